// Starts the GOV.UK Frontend components (kept out of the page so the CSP allows no inline script).
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();
