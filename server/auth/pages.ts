// HTML for the login page and the error page. Field names / ids are a contract with the harness's
// login driver (see the header of index.ts): do not rename them.

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#b00020}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function loginPage(opts: { action: string; clientId: string; username?: string; error?: string }): string {
  const err = opts.error ? `<p class="error" id="login-error" role="alert">${esc(opts.error)}</p>\n` : '';
  return page(
    'DHP reference SSO - sign in',
    `<h1>Sign in</h1>
<p>Application <code id="client-id">${esc(opts.clientId)}</code> asks you to sign in.</p>
${err}<form id="login-form" method="post" action="${esc(opts.action)}" autocomplete="off">
<input type="hidden" name="prompt" value="login">
<label for="username">Username</label>
<input id="username" name="username" type="text" required value="${esc(opts.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button id="login" name="login" type="submit">Sign in</button>
</form>`,
  );
}

export function errorPage(title: string, error: string, description?: string): string {
  return page(
    title,
    `<h1>${esc(title)}</h1>
<p id="error"><code>${esc(error)}</code></p>
${description ? `<p id="error_description">${esc(description)}</p>` : ''}`,
  );
}
