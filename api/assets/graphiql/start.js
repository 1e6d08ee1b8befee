// Starts GraphiQL on the hub's own page. The page's Content-Security-Policy allows no inline
// script, so this lives in a file of its own. The endpoints come from the page's data
// attributes, relative to the page, so the hub also works behind a path prefix.
'use strict';

(function () {
  const container = document.getElementById('graphiql');
  const endpoint = new URL(container.dataset.endpoint, document.baseURI);
  const subscriptions = new URL(container.dataset.subscriptions, document.baseURI);
  subscriptions.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

  const fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: subscriptions.href,
  });
  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }),
  );
})();
