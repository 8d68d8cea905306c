import { apiPaths } from '@meshboard/protocol';

/**
 * The board's state (9.6 MB for 50,000 shapes) is requested by a small inline script while the page's
 * JavaScript is still loading, instead of after React has hydrated and the board view has started (issue 15
 * item 3: overlap the page load and the state fetch). The token stays in the URL fragment: the script reads it
 * there, as BoardView does, and sends it in the Authorization header (never in a URL). The connection's store
 * client is then given a fetch that hands this one response over, once, for the exact same request; every
 * other request (and a retry) goes to the network as usual, so a failed prefetch costs nothing but itself.
 */
const GLOBAL = '__meshboardStatePrefetch';

interface Prefetch {
  url: string;
  token: string;
  response: Promise<Response>;
}

/** the inline script for the board page (server side): string-built, the board id and store URL JSON-escaped */
export function statePrefetchScript(storeUrl: string, boardId: string): string {
  const url = JSON.stringify(`${storeUrl.replace(/\/+$/, '')}${apiPaths.state(boardId)}`).replace(/</g, '\\u003c');
  return (
    `(function(){try{var h=decodeURIComponent(location.hash.replace(/^#/,'')).trim();` +
    `var t=h.indexOf('token=')===0?h.slice(6):h;if(!t)return;var u=${url};` +
    `var r=fetch(u,{headers:{authorization:'Bearer '+t}}).then(function(s){` +
    `return s.arrayBuffer().then(function(b){return new Response(b,{status:s.status,statusText:s.statusText,headers:s.headers});});});` +
    `r.catch(function(){});` +
    `window.${GLOBAL}={url:u,token:t,response:r};}catch(e){}})();`
  );
}

/** a fetch for the connection's store client that serves the prefetched state once (client side) */
export function prefetchingFetch(token: string): typeof fetch {
  const w = window as unknown as Record<string, Prefetch | undefined>;
  let prefetch = w[GLOBAL] ?? null;
  w[GLOBAL] = undefined;
  if (prefetch && prefetch.token !== token) prefetch = null;
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (prefetch && url === prefetch.url && (init?.method ?? 'GET') === 'GET') {
      const { response } = prefetch;
      prefetch = null;
      return response;
    }
    return fetch(input, init);
  };
}
