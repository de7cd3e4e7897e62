from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# unaccent() is only STABLE (its dictionary could change), so Postgres refuses
# it in a generated column or an index. This wrapper names the dictionary
# explicitly and declares itself IMMUTABLE: the documented way to index
# unaccented text. Changing the unaccent rules would need a REINDEX.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION vpm_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


class Migration(migrations.Migration):

    dependencies = [("patients", "0002_contactverification")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(CREATE_FUNCTION, "DROP FUNCTION IF EXISTS vpm_unaccent(text);"),
    ]
