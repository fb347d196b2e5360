// The admin page's stylesheet, served from /admin/assets/admin.css so the CSP can forbid
// inline styles. Mobile first: one column of cards, a wider table-like grid on desktops.
export const ADMIN_CSS_PATH = '/admin/assets/admin.css';

export const ADMIN_CSS = `
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:#f5f6f8}
header{background:#1d2430;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center}
header .brand{font-weight:700;margin-right:auto}
header a,header button.link{color:#fff;text-decoration:none;background:none;border:0;font:inherit;cursor:pointer;padding:0}
header a[aria-current=page]{text-decoration:underline}
header form{margin:0}
main{max-width:52rem;margin:1.2rem auto;padding:0 1rem}
h1{font-size:1.4rem;margin:.4rem 0 1rem}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:1rem;margin:0 0 1rem}
.card h2{font-size:1.05rem;margin:0 0 .4rem;word-break:break-all}
.state{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.85rem;font-weight:600}
.state-syncing{background:#dcf5e3;color:#125c2b}.state-backfilling{background:#e0ecff;color:#123f80}
.state-needs_reconsent,.state-error{background:#fde2e1;color:#8a1c14}.state-disconnected{background:#eceef1;color:#3d4652}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.6rem 0}
dt{color:#5b6573}dd{margin:0}
progress{width:100%;height:.8rem}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}
label.inline{display:inline;font-weight:400}
input[type=text],input[type=email],input[type=password]{width:100%;max-width:24rem;padding:.55rem;border:1px solid #b8c0cc;border-radius:6px;font:inherit}
button,.button{display:inline-block;padding:.55rem 1rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;font:inherit;cursor:pointer;text-decoration:none}
button.danger{background:#fff;color:#a11d12;border-color:#a11d12}
.row{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin-top:.6rem}
.notice{background:#fff8db;border:1px solid #e9d78a;border-radius:6px;padding:.6rem 1rem;margin:0 0 1rem}
.error{background:#fde2e1;border:1px solid #f0b4b0;border-radius:6px;padding:.6rem 1rem;margin:0 0 1rem}
.muted{color:#5b6573}
header nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem}
button.secondary,.button.secondary{background:#fff;color:#0b5cad}
form{margin:0}
.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.85rem;font-weight:600;background:#eceef1;color:#3d4652}
.needs-review,.verdict-unsure{background:#fff1c2;color:#6b4e00}
.verdict-spam,.status-spam{background:#fde2e1;color:#8a1c14}.verdict-ham,.status-open{background:#dcf5e3;color:#125c2b}
.status-pending{background:#e0ecff;color:#123f80}
.ticket-list{list-style:none;padding:0;margin:0}
.card h2 a{color:inherit}
.held h2,.ticket h2{word-break:normal;overflow-wrap:anywhere}
.meta{margin:.4rem 0 0;font-size:.9rem}
.evidence{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.35rem}
.token{display:inline-block;border-radius:4px;padding:.05rem .45rem;font:.85rem/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.token-spam{background:#fde2e1;color:#8a1c14}.token-ham{background:#dcf5e3;color:#125c2b}
pre.body{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f6f8;border:1px solid #dde1e7;border-radius:6px;padding:.6rem;max-height:24rem;overflow:auto;font-size:.9rem;margin:.6rem 0}
.spam{border-top:1px solid #dde1e7;margin-top:.6rem;padding-top:.4rem}
.spam-line{margin:.2rem 0}
button[disabled]{opacity:.5;cursor:not-allowed}
#retention-counts{border-collapse:collapse;width:100%}#retention-counts th,#retention-counts td{text-align:left;padding:.2rem .8rem .2rem 0;vertical-align:top}
`;
