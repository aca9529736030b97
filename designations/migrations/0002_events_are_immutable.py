from django.db import migrations

# On PostgreSQL the database itself refuses to change or delete a designation's event, whatever
# the client: the portal, the admin, a shell or a script.
FORBID = """
CREATE OR REPLACE FUNCTION designations_event_is_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'designation events are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER designations_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON designations_designationevent
    FOR EACH ROW EXECUTE FUNCTION designations_event_is_immutable();
"""
ALLOW = """
DROP TRIGGER IF EXISTS designations_event_no_update_or_delete ON designations_designationevent;
DROP FUNCTION IF EXISTS designations_event_is_immutable();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("designations", "0001_initial")]

    operations = [migrations.RunPython(forbid, allow)]
