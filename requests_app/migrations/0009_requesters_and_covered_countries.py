import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0008_bounded_numbers_and_dates"),
        ("registry", "0009_forums"),
    ]

    operations = [
        # The countries a subregional request involves are the countries it covers, whoever
        # asks: one relation, named as the API names it.
        migrations.RenameField(
            model_name="request", old_name="subregional_countries", new_name="covered_countries"
        ),
            migrations.CreateModel(
            name='ForumReferenceCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('last_number', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='request',
            name='request_reference_format',
        ),
        migrations.AddField(
            model_name='request',
            name='forum',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='registry.forum', verbose_name='forum'),
        ),
        migrations.AddField(
            model_name='request',
            name='requester',
            field=models.CharField(choices=[('country', 'a country'), ('forum', 'a forum or UN body')], default='country', max_length=10, verbose_name='requester'),
        ),
        migrations.AlterField(
            model_name='request',
            name='country',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='registry.country', verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='request',
            name='covered_countries',
            field=models.ManyToManyField(blank=True, related_name='+', to='registry.country', verbose_name='countries covered'),
        ),
        migrations.AddIndex(
            model_name='request',
            index=models.Index(condition=models.Q(('forum__isnull', False)), fields=['forum', '-created_at', '-id'], name='request_forum_newest'),
        ),
        migrations.AddConstraint(
            model_name='request',
            constraint=models.CheckConstraint(condition=models.Q(('reference__regex', '^[A-Z]{3,8}-[0-9]{4}-[0-9]{4,}$')), name='request_reference_format_country_or_forum'),
        ),
        migrations.AddConstraint(
            model_name='request',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('country__isnull', False), ('forum__isnull', True), ('requester', 'country')), models.Q(('country__isnull', True), ('forum__isnull', False), ('requester', 'forum')), _connector='OR'), name='request_asked_by_a_country_or_a_forum'),
        ),
        migrations.AddField(
            model_name='forumreferencecounter',
            name='forum',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='registry.forum'),
        ),
        migrations.AddConstraint(
            model_name='forumreferencecounter',
            constraint=models.UniqueConstraint(fields=('forum', 'year'), name='one_counter_per_forum_year'),
        ),
    ]
