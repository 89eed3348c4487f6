// Swagger UI for ratecard's API, from the app's own copy of swagger-ui-dist (no CDN, allowed by the CSP).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
