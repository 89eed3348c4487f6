"""scale

Revision ID: 0012_scale
Revises: 0011_endings
Create Date: 2026-12-01 15:00:00

Monitoring at a million referrals (issue #13): each referral keeps when it reached the hub and was
accepted (indexed by provider and receipt, so a report's period is one range), and its delivery
milestones in `delivery_facts`, kept by the writes; both are filled here for the referrals already
made. A caseworker's cases get an index of (caseworker, provider, status, newest), replacing the
caseworker one it begins with. On PostgreSQL, a trigram index on the lowered name lets a name search
skip reading every person.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_scale'
down_revision = '0011_endings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delivery_facts',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('assessment_booked', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assessment_attended', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_appointment', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_session', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sessions_attended', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('missed', sa.Integer(), nullable=False),
    sa.Column('plan_submitted', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_approved', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcomes', sa.Integer(), nullable=False),
    sa.Column('achieved', sa.Integer(), nullable=False),
    sa.Column('report_submitted', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_delivery_facts_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('referral_id', name=op.f('pk_delivery_facts'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_appointment_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_session_at', sa.DateTime(timezone=True), nullable=True))
        for name in ('appointments_attended', 'appointments_missed', 'outcomes_chosen', 'outcomes_achieved'):
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default=sa.text('0'), nullable=False))
    _backfill()
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_provider_received', ['provider_id', 'received_at', 'id'], unique=False)
        batch_op.create_index('ix_referrals_received', ['received_at', 'id'], unique=False)
        batch_op.create_index('ix_referrals_caseworker_cases', ['caseworker_id', 'provider_id', 'status', 'created_at', 'id'],
                              unique=False)
        batch_op.drop_index('ix_referrals_caseworker_id')
    if op.get_bind().dialect.name == 'postgresql':
        # The extension lives in one schema of the database (public, if made here); name its operator
        # class through that schema, which need not be on this connection's search path.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public')
        home = op.get_bind().exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'").scalar_one()
        op.execute(f'CREATE INDEX ix_people_name_trgm ON people USING gin (lower(name) {home}.gin_trgm_ops)')


def _backfill() -> None:
    """The milestones of the referrals made before this revision, from their history and delivery
    (the same definitions as ratecard.delivery.facts: first arrival, earliest of each kind, counts)."""
    op.execute("""
        UPDATE referrals SET
            received_at = (SELECT min(h.at) FROM referral_history h WHERE h.referral_id = referrals.id AND h.to_status = 'transferred'),
            accepted_at = (SELECT min(h.at) FROM referral_history h WHERE h.referral_id = referrals.id AND h.to_status = 'accepted')
        WHERE status NOT IN ('draft', 'referred')
    """)
    op.execute("""
        INSERT INTO delivery_facts (referral_id, assessment_booked, assessment_attended, first_appointment, first_session,
            sessions_attended, attended, missed, plan_submitted, plan_approved, outcomes, achieved, report_submitted)
        SELECT r.id, a.assessment_booked, a.assessment_attended, a.first_appointment, a.first_session,
               coalesce(a.sessions_attended, 0), coalesce(a.attended, 0), coalesce(a.missed, 0),
               p.plan_submitted, p.plan_approved, coalesce(o.outcomes, 0), coalesce(o.achieved, 0), e.submitted_at
        FROM referrals r
        LEFT JOIN (
            SELECT referral_id,
                   min(CASE WHEN status <> 'superseded' AND kind = 'assessment' THEN starts_at END) AS assessment_booked,
                   min(CASE WHEN kind = 'assessment' AND status = 'happened' THEN starts_at END) AS assessment_attended,
                   min(CASE WHEN status <> 'superseded' THEN starts_at END) AS first_appointment,
                   min(CASE WHEN kind = 'session' AND status = 'happened' THEN starts_at END) AS first_session,
                   sum(CASE WHEN kind = 'session' AND status = 'happened' THEN 1 ELSE 0 END) AS sessions_attended,
                   sum(CASE WHEN status = 'happened' THEN 1 ELSE 0 END) AS attended,
                   sum(CASE WHEN status = 'did_not_happen' THEN 1 ELSE 0 END) AS missed
            FROM appointments GROUP BY referral_id
        ) a ON a.referral_id = r.id
        LEFT JOIN (
            SELECT referral_id, min(CASE WHEN to_status = 'submitted' THEN at END) AS plan_submitted,
                   min(CASE WHEN to_status = 'approved' THEN at END) AS plan_approved
            FROM delivery_history WHERE subject = 'action_plan' GROUP BY referral_id
        ) p ON p.referral_id = r.id
        LEFT JOIN (
            SELECT referral_id, count(*) AS outcomes, sum(CASE WHEN achievement = 'achieved' THEN 1 ELSE 0 END) AS achieved
            FROM referral_outcomes GROUP BY referral_id
        ) o ON o.referral_id = r.id
        LEFT JOIN end_of_service_reports e ON e.referral_id = r.id
        WHERE a.referral_id IS NOT NULL OR p.referral_id IS NOT NULL OR o.referral_id IS NOT NULL OR e.referral_id IS NOT NULL
        ORDER BY r.id
    """)
    op.execute("""
        UPDATE referrals SET first_appointment_at = f.first_appointment, first_session_at = f.first_session,
               appointments_attended = f.attended, appointments_missed = f.missed, outcomes_chosen = f.outcomes,
               outcomes_achieved = f.achieved
        FROM delivery_facts f WHERE f.referral_id = referrals.id
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_people_name_trgm')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_caseworker_id', ['caseworker_id'], unique=False)
        batch_op.drop_index('ix_referrals_caseworker_cases')
        batch_op.drop_index('ix_referrals_received')
        batch_op.drop_index('ix_referrals_provider_received')
        for name in ('outcomes_achieved', 'outcomes_chosen', 'appointments_missed', 'appointments_attended',
                     'first_session_at', 'first_appointment_at', 'accepted_at'):
            batch_op.drop_column(name)
        batch_op.drop_column('received_at')
    op.drop_table('delivery_facts')
