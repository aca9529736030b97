from django.db import migrations, models


def classify(apps, schema_editor):
    from registry.reference_data import load_country_classification

    load_country_classification(apps)


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_bounded_numbers_and_dates")]

    operations = [
        migrations.AddField(
            model_name="country",
            name="economy",
            field=models.CharField(
                choices=[
                    ("developing", "developing economy"),
                    ("transition", "economy in transition"),
                    ("developed", "developed economy"),
                ],
                # Only for the rows already there, classified from the data file below.
                default="developing",
                max_length=12,
                verbose_name="economy",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="country",
            name="ldc",
            field=models.BooleanField(default=False, verbose_name="least developed country"),
        ),
        migrations.AddField(
            model_name="country",
            name="lldc",
            field=models.BooleanField(default=False, verbose_name="landlocked developing country"),
        ),
        migrations.AddField(
            model_name="country",
            name="sids",
            field=models.BooleanField(default=False, verbose_name="small island developing State"),
        ),
        migrations.AddField(
            model_name="country",
            name="classification_source",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="source of the classification"
            ),
        ),
        migrations.AddField(
            model_name="country",
            name="classified_on",
            field=models.DateField(blank=True, null=True, verbose_name="classification as of"),
        ),
        migrations.AddConstraint(
            model_name="country",
            constraint=models.CheckConstraint(
                condition=models.Q(("economy__in", ["developing", "transition", "developed"])),
                name="country_economy_is_known",
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
