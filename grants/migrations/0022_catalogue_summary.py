"""The catalogue's sort columns and counts, kept by PostgreSQL (issue #17).

The public catalogue counted and sorted every funded project in the country on each visit
(about 300 ms at 50,000 applications, uncached). Now:

- `listed_year` and `listed_municipality` copy the pool's year and the municipality's name
  onto the application (a BEFORE trigger, and AFTER triggers when a pool's year or a
  municipality's name changes), so the partial index `application_catalogue_order` gives
  the first page in index order;
- `grants_cataloguecount` holds each municipality's number of funded projects, in all and
  per year with money, recounted for the municipalities a statement touched (statement
  triggers with transition tables, so a bulk insert recounts once), in the same transaction.
  A recount takes a transaction-scoped advisory lock per municipality, so two transactions
  never count side by side and miss each other's change (READ COMMITTED, Django's default:
  each statement of the function sees what committed before it).

SQLite (development) has neither: the columns and the table stay empty, and the catalogue
sorts through the joins and counts live (grants.catalogue).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# grants.models.FUNDED_STATUSES when this was written (as the index condition below).
FUNDED = "('approved', 'active', 'closed')"
LOCK_CLASS = 17017  # the advisory lock's first key: "catalogue counts"

CREATE = f"""
CREATE FUNCTION grants_application_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT year INTO NEW.listed_year FROM grants_pool WHERE id = NEW.pool_id;
    SELECT name INTO NEW.listed_municipality FROM portal_municipality
        WHERE id = NEW.municipality_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER grants_application_listed
    BEFORE INSERT OR UPDATE OF pool_id, municipality_id, listed_year, listed_municipality
    ON grants_application FOR EACH ROW EXECUTE FUNCTION grants_application_listed();

CREATE FUNCTION grants_recount_catalogue(municipalities bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m bigint;
BEGIN
    IF coalesce(cardinality(municipalities), 0) = 0 THEN
        RETURN;
    END IF;
    -- In id order, so two transactions touching the same municipalities cannot deadlock.
    FOR m IN SELECT DISTINCT x FROM unnest(municipalities) AS x WHERE x IS NOT NULL ORDER BY x
    LOOP
        PERFORM pg_advisory_xact_lock({LOCK_CLASS}, m::integer);
    END LOOP;
    DELETE FROM grants_cataloguecount WHERE municipality_id = ANY(municipalities);
    INSERT INTO grants_cataloguecount (municipality_id, year, projects)
    SELECT municipality_id, 0, count(*) FROM grants_application
        WHERE status IN {FUNDED} AND municipality_id = ANY(municipalities)
        GROUP BY municipality_id
    UNION ALL
    SELECT a.municipality_id, p.year, count(DISTINCT a.id)
        FROM grants_application a
        JOIN (
            SELECT application_id, pool_id FROM grants_allocation
            UNION ALL
            SELECT application_id, to_pool_id FROM grants_carryover
        ) money ON money.application_id = a.id
        JOIN grants_pool p ON p.id = money.pool_id
        WHERE a.status IN {FUNDED} AND a.municipality_id = ANY(municipalities)
        GROUP BY a.municipality_id, p.year;
END
$$;

CREATE FUNCTION grants_application_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM grants_recount_catalogue(ARRAY(
            SELECT municipality_id FROM new_rows WHERE status IN {FUNDED}));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM grants_recount_catalogue(ARRAY(
            SELECT municipality_id FROM old_rows WHERE status IN {FUNDED}));
    ELSE
        -- Only a change into or out of the funded statuses, or of municipality, counts: an
        -- autosave of a draft recounts nothing.
        PERFORM grants_recount_catalogue(ARRAY(
            SELECT unnest(ARRAY[o.municipality_id, n.municipality_id])
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status IN {FUNDED}) IS DISTINCT FROM (n.status IN {FUNDED})
                OR (o.municipality_id IS DISTINCT FROM n.municipality_id
                    AND (o.status IN {FUNDED} OR n.status IN {FUNDED}))));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER grants_application_recount_insert AFTER INSERT ON grants_application
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grants_application_recount();
CREATE TRIGGER grants_application_recount_update AFTER UPDATE ON grants_application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grants_application_recount();
CREATE TRIGGER grants_application_recount_delete AFTER DELETE ON grants_application
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION grants_application_recount();
"""  # noqa: S608 - this file's constants, no input

# Allocations and carry-overs: the years a project has money in. {table} and {pool} (the
# column naming the pool whose year counts) are this file's constants, not input.
MONEY_TRIGGERS = """
CREATE FUNCTION {table}_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM grants_recount_catalogue(ARRAY(
            SELECT a.municipality_id FROM new_rows r
            JOIN grants_application a ON a.id = r.application_id
            WHERE a.status IN {funded}));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM grants_recount_catalogue(ARRAY(
            SELECT a.municipality_id FROM old_rows r
            JOIN grants_application a ON a.id = r.application_id
            WHERE a.status IN {funded}));
    ELSE
        PERFORM grants_recount_catalogue(ARRAY(
            SELECT a.municipality_id
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            JOIN grants_application a ON a.id IN (o.application_id, n.application_id)
            WHERE a.status IN {funded}
                AND (o.application_id <> n.application_id OR o.{pool} <> n.{pool})));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER {table}_recount_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_recount();
CREATE TRIGGER {table}_recount_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_recount();
CREATE TRIGGER {table}_recount_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_recount();
"""
MONEY_TABLES = (("grants_allocation", "pool_id"), ("grants_carryover", "to_pool_id"))

RENAMES = """
CREATE FUNCTION grants_pool_year_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE grants_application SET listed_year = NEW.year WHERE pool_id = NEW.id;
    PERFORM grants_recount_catalogue(ARRAY(
        SELECT a.municipality_id FROM grants_application a
        WHERE a.id IN (
            SELECT application_id FROM grants_allocation WHERE pool_id = NEW.id
            UNION SELECT application_id FROM grants_carryover WHERE to_pool_id = NEW.id)));
    RETURN NULL;
END
$$;
CREATE TRIGGER grants_pool_year_changed AFTER UPDATE OF year ON grants_pool
    FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year)
    EXECUTE FUNCTION grants_pool_year_changed();

CREATE FUNCTION grants_municipality_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE grants_application SET listed_municipality = NEW.name WHERE municipality_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER grants_municipality_renamed AFTER UPDATE OF name ON portal_municipality
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION grants_municipality_renamed();

UPDATE grants_application SET listed_year = NULL;  -- the BEFORE trigger fills both columns
SELECT grants_recount_catalogue(ARRAY(SELECT id FROM portal_municipality));
"""

DROP = """
DROP TRIGGER IF EXISTS grants_municipality_renamed ON portal_municipality;
DROP FUNCTION IF EXISTS grants_municipality_renamed();
DROP TRIGGER IF EXISTS grants_pool_year_changed ON grants_pool;
DROP FUNCTION IF EXISTS grants_pool_year_changed();
{money}
DROP TRIGGER IF EXISTS grants_application_recount_insert ON grants_application;
DROP TRIGGER IF EXISTS grants_application_recount_update ON grants_application;
DROP TRIGGER IF EXISTS grants_application_recount_delete ON grants_application;
DROP FUNCTION IF EXISTS grants_application_recount();
DROP FUNCTION IF EXISTS grants_recount_catalogue(bigint[]);
DROP TRIGGER IF EXISTS grants_application_listed ON grants_application;
DROP FUNCTION IF EXISTS grants_application_listed();
"""
DROP_MONEY = """
DROP TRIGGER IF EXISTS {table}_recount_insert ON {table};
DROP TRIGGER IF EXISTS {table}_recount_update ON {table};
DROP TRIGGER IF EXISTS {table}_recount_delete ON {table};
DROP FUNCTION IF EXISTS {table}_recount();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    for table, pool in MONEY_TABLES:
        schema_editor.execute(MONEY_TRIGGERS.format(table=table, pool=pool, funded=FUNDED))
    schema_editor.execute(RENAMES)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    money = "".join(DROP_MONEY.format(table=table) for table, _pool in MONEY_TABLES)
    schema_editor.execute(DROP.format(money=money))


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0021_imported_decision_message"),
        ("policies", "0006_policy_barometer_update_month"),
        ("portal", "0007_organisation_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(editable=False)),
                ("projects", models.PositiveIntegerField(editable=False)),
            ],
            options={
                "verbose_name": "optælling til projektkataloget",
                "verbose_name_plural": "optællinger til projektkataloget",
            },
        ),
        migrations.AddField(
            model_name="application",
            name="listed_municipality",
            field=models.CharField(blank=True, default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="application",
            name="listed_year",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                condition=models.Q(("status__in", ("approved", "active", "closed"))),
                fields=["-listed_year", "listed_municipality", "number", "title", "id"],
                name="application_catalogue_order",
            ),
        ),
        migrations.AddField(
            model_name="cataloguecount",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="portal.municipality",
            ),
        ),
        migrations.AddConstraint(
            model_name="cataloguecount",
            constraint=models.UniqueConstraint(
                fields=("municipality", "year"), name="cataloguecount_one_per_year"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
