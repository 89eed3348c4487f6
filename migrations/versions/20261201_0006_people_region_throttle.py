"""people per region, sign-in throttle

Revision ID: 0006_people_region_throttle
Revises: 0005_withdrawn_options
Create Date: 2026-12-01 10:00:00

Each probation region keeps its own copy of a person (unique by region and CRN instead of CRN
alone): a person already referred from several regions is split into one copy per region, each
region's referrals and events pointing at its own. Sign-in attempts are counted in a table of
their own, keyed by hashes, replacing the failure count on users.
"""
import sqlalchemy as sa
from alembic import op


revision = '0006_people_region_throttle'
down_revision = '0005_withdrawn_options'
branch_labels = None
depends_on = None

_COPIED = ('crn', 'name', 'date_of_birth', 'sex', 'area', 'profile', 'created_at')


def _split_people_by_region() -> None:
    """Give every person a region; a person referred from several regions gets a copy for each."""
    bind = op.get_bind()
    people = sa.table('people', sa.column('id'), sa.column('region'), *(sa.column(c) for c in _COPIED))
    referrals = sa.table('referrals', sa.column('id'), sa.column('person_id'), sa.column('region'), sa.column('event_id'))
    events = sa.table('person_events', sa.column('id'), sa.column('person_id'))
    pairs = bind.execute(
        sa.select(referrals.c.person_id, referrals.c.region).distinct().order_by(referrals.c.person_id, referrals.c.region)
    ).all()
    seen: set[int] = set()
    for person_id, region in pairs:
        if person_id not in seen:
            seen.add(person_id)
            bind.execute(people.update().where(people.c.id == person_id).values(region=region))
            continue
        row = bind.execute(sa.select(*(people.c[c] for c in _COPIED)).where(people.c.id == person_id)).mappings().one()
        copy_id = bind.execute(people.insert().values(region=region, **row).returning(people.c.id)).scalar_one()
        moved = referrals.c.person_id == person_id
        bind.execute(
            events.update()
            .where(events.c.id.in_(sa.select(referrals.c.event_id).where(moved, referrals.c.region == region)))
            .values(person_id=copy_id)
        )
        bind.execute(referrals.update().where(moved, referrals.c.region == region).values(person_id=copy_id))
    # People never referred (none should exist: a person is recorded with their first referral).
    bind.execute(people.update().where(people.c.region.is_(None)).values(region=sa.func.coalesce(people.c.area, 'unknown')))


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=100), nullable=True))
    _split_people_by_region()
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('region', existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_constraint('uq_people_crn', type_='unique')
        batch_op.create_unique_constraint('uq_people_region_crn', ['region', 'crn'])
        batch_op.create_index(batch_op.f('ix_people_crn'), ['crn'], unique=False)

    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('reset_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_reset_at'), ['reset_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_reset_at'))
    op.drop_table('login_throttle')
    # Going back to one record per CRN cannot keep two regions' copies: the oldest copy is kept and
    # the others' referrals and events move to it.
    bind = op.get_bind()
    people = sa.table('people', sa.column('id'), sa.column('crn'))
    keep = {crn: pid for pid, crn in bind.execute(sa.select(people.c.id, people.c.crn).order_by(people.c.id.desc()))}
    for pid, crn in bind.execute(sa.select(people.c.id, people.c.crn)).all():
        if keep[crn] != pid:
            for table in ('referrals', 'person_events'):
                bind.execute(sa.text(f'UPDATE {table} SET person_id = :keep WHERE person_id = :pid'), {'keep': keep[crn], 'pid': pid})
            bind.execute(sa.text('DELETE FROM people WHERE id = :pid'), {'pid': pid})
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_crn'))
        batch_op.drop_constraint('uq_people_region_crn', type_='unique')
        batch_op.create_unique_constraint('uq_people_crn', ['crn'])
        batch_op.drop_column('region')
