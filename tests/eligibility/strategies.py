"""Hypothesis strategies for profiles, shared by the eligibility property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from ratecard.eligibility import profile as p

AREAS = ["Norfolk", "Suffolk", "Lancashire", "Cumbria", "Essex", "Southend", "Colchester", "Derbyshire", "Kent", "Sussex", "Devon"]


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def _some(enum) -> st.SearchStrategy:
    return st.lists(st.sampled_from(list(enum)), max_size=3, unique=True)


profiles = st.builds(
    p.Profile,
    age=_maybe(st.integers(18, 90)),
    sex=_maybe(st.sampled_from(list(p.Sex))),
    area=_maybe(st.sampled_from(AREAS)),
    setting=_maybe(st.sampled_from(list(p.PersonSetting))),
    sentence=_maybe(st.sampled_from(list(p.Sentence))),
    sentence_months=_maybe(st.integers(0, 48)),
    requirements=_maybe(_some(p.Requirement)),
    ogrs=_maybe(st.integers(0, 100)),
    risk_level=_maybe(st.sampled_from(list(p.Level))),
    ovp=_maybe(st.integers(0, 100)),
    rosh=_maybe(st.sampled_from(list(p.Rosh))),
    sara=_maybe(st.sampled_from(list(p.Level))),
    audit=_maybe(st.integers(0, 40)),
    index_offences=_maybe(_some(p.Offence)),
    previous_offences=_maybe(_some(p.Offence)),
    alcohol_dependent=_maybe(st.booleans()),
    drug_dependent=_maybe(st.booleans()),
    class_a_use=_maybe(st.booleans()),
    serious_mental_health=_maybe(st.booleans()),
    learning_difficulties=_maybe(st.booleans()),
    speaks_english=_maybe(st.booleans()),
    in_denial=_maybe(st.booleans()),
    consents=_maybe(st.booleans()),
    needs=_maybe(_some(p.Need)),
    missed_appointments=_maybe(st.integers(0, 10)),
    victims=_maybe(_some(p.Victim)),
    recent_offences=_maybe(_some(p.Offence)),
    repeated_offences=_maybe(_some(p.Offence)),
    drugs_used=_maybe(_some(p.Drug)),
    seriousness=_maybe(st.sampled_from(list(p.Seriousness))),
    gypsy_traveller=_maybe(st.booleans()),
    discusses_offence_in_group=_maybe(st.booleans()),
)

FIELDS = [name for name in p.Profile.model_fields if name not in ("as_of", "date_of_birth", "release_date", "oasys")]
