// Starts Swagger UI on this appliance's own OpenAPI document. It is a file, not an inline
// script, because the Content-Security-Policy allows scripts from 'self' only.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/swagger.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    // Swagger UI would otherwise send the document to validator.swagger.io for its badge:
    // the appliance must not call out to the internet on its users' behalf.
    validatorUrl: null,
  });
});
