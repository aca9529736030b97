from django.db import migrations

# On PostgreSQL the database itself refuses to change or delete an exchange event, whatever
# the client (as for request events, requests_app 0002).
FORBID = """
CREATE OR REPLACE FUNCTION exchange_event_is_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'exchange events are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER exchange_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON exchange_event
    FOR EACH ROW EXECUTE FUNCTION exchange_event_is_immutable();
"""
ALLOW = """
DROP TRIGGER IF EXISTS exchange_event_no_update_or_delete ON exchange_event;
DROP FUNCTION IF EXISTS exchange_event_is_immutable();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(forbid, allow)]
