"""Every domain's tables, imported in one place so Alembic and tests see the whole schema."""

from ratecard.accounts import models as accounts_models  # noqa: F401
from ratecard.billing import models as billing_models  # noqa: F401
from ratecard.catalogue import models as catalogue_models  # noqa: F401
from ratecard.delivery import models as delivery_models  # noqa: F401
from ratecard.referrals import models as referrals_models  # noqa: F401
from ratecard.db import Base

metadata = Base.metadata
