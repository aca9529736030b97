# A regional centre's staff (issue 19): the role, its organization, and the scope constraint with it.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_forum_focal_point'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('registry', '0010_title_order_index'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='user',
            name='user_role_has_its_scope',
        ),
        migrations.AddField(
            model_name='user',
            name='organization',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='registry.organization', verbose_name='organization'),
        ),
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(choices=[('focal_point', 'Country focal point'), ('forum_focal_point', 'Forum focal point'), ('regional_staff', 'Regional office staff'), ('division_staff', 'Division staff'), ('coordinator', 'BSP coordinator'), ('council', 'Governing Council staff'), ('regional_centre', 'Regional centre staff')], max_length=20, verbose_name='role'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role', 'focal_point'), ('country__isnull', False), ('regional_office__isnull', True), ('division__isnull', True), ('forum__isnull', True), ('organization__isnull', True)), models.Q(('role', 'forum_focal_point'), ('country__isnull', True), ('regional_office__isnull', True), ('division__isnull', True), ('forum__isnull', False), ('organization__isnull', True)), models.Q(('role', 'regional_staff'), ('country__isnull', True), ('regional_office__isnull', False), ('division__isnull', True), ('forum__isnull', True), ('organization__isnull', True)), models.Q(('role', 'division_staff'), ('country__isnull', True), ('regional_office__isnull', True), ('division__isnull', False), ('forum__isnull', True), ('organization__isnull', True)), models.Q(('role', 'coordinator'), ('country__isnull', True), ('regional_office__isnull', True), ('division__isnull', True), ('forum__isnull', True), ('organization__isnull', True)), models.Q(('role', 'council'), ('country__isnull', True), ('regional_office__isnull', True), ('division__isnull', True), ('forum__isnull', True), ('organization__isnull', True)), models.Q(('role', 'regional_centre'), ('country__isnull', True), ('regional_office__isnull', True), ('division__isnull', True), ('forum__isnull', True), ('organization__isnull', False)), _connector='OR'), name='user_role_has_its_scope'),
        ),
    ]
