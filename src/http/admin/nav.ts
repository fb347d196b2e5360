// The admin page's navigation. Every admin page is listed here, so the header stays the
// same on each of them.
export interface NavItem {
  href: string;
  label: string;
}

export const ADMIN_NAV: NavItem[] = [
  { href: '/admin', label: 'Mailboxes' },
  { href: '/admin/tickets', label: 'Tickets' },
  { href: '/admin/quarantine', label: 'Quarantine' },
  { href: '/admin/suppressed', label: 'Machine mail' },
  { href: '/admin/webhooks', label: 'Webhooks' },
  { href: '/admin/jobs', label: 'Failed jobs' },
  { href: '/admin/privacy', label: 'Privacy' },
  { href: '/admin/retention', label: 'Retention' },
  { href: '/admin/audit', label: 'Audit' },
  { href: '/admin/inventory', label: 'Data inventory' },
];
