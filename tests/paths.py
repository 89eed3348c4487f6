"""Where tests find the shared brochures and the repo's curated data."""

from ratecard.config import REPO_ROOT, shared_brochures

BROCHURES = shared_brochures()
OVERLAYS = REPO_ROOT / "data" / "catalogue"

NSF = BROCHURES / "000_660fad277a9deb43.txt"
CLN = BROCHURES / "001_16e8e4cecbd9b0dd.txt"
ESSEX = BROCHURES / "002_e3497f5b3958fa5f.txt"
DLNR = BROCHURES / "003_d85e9727d563239b.txt"
KSS = BROCHURES / "004_d2617445de58906a.txt"
ALL_BROCHURES = (NSF, CLN, ESSEX, DLNR, KSS)
