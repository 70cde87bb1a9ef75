// Starts Swagger UI (app/api/docs.py). A file, not an inline script, so the page's
// Content-Security-Policy can refuse inline scripts.
(function () {
  "use strict";
  var config = document.currentScript.dataset;

  function signOut(accessToken) {
    return fetch(config.signOutUrl, {
      method: "POST",
      headers: { Authorization: "Bearer " + accessToken },
    });
  }

  // Revoke the sign-in, not just forget it: a token Swagger UI drops is still valid until it expires
  // (a refresh token for 30 days). An access token lasts 15 minutes, so once it has expired the
  // refresh token (same sign-in) buys a fresh one to sign out with.
  function revoke(token) {
    return signOut(token.access_token).then(function (response) {
      if (response.status !== 401 || !token.refresh_token) {
        return undefined;
      }
      return fetch(config.tokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token.refresh_token }),
      })
        .then(function (refreshed) { return refreshed.ok ? refreshed.json() : null; })
        .then(function (fresh) { return fresh ? signOut(fresh.access_token) : undefined; });
    });
  }

  function RevokeOnLogout() {
    return {
      statePlugins: {
        auth: {
          wrapActions: {
            logout: function (forget, system) {
              return function (names) {
                var authorized = system.authSelectors.authorized();
                var revocations = [].concat(names || []).map(function (name) {
                  var token = authorized.getIn([name, "token"]);
                  return token && token.get("access_token") ? revoke(token.toJS()) : undefined;
                });
                // Forget the tokens whatever the answer: offline, they are at least gone from the page.
                return Promise.all(revocations)
                  .catch(function () { return undefined; })
                  .then(function () { forget(names); });
              };
            },
          },
        },
      },
    };
  }

  window.ui = SwaggerUIBundle({
    url: config.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    displayRequestDuration: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    plugins: [RevokeOnLogout],
  });
})();
