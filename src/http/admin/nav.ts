// The admin page's navigation. Other parts add their pages here (the quarantine list
// takes the slot below), so the header stays the same on every admin page.
export interface NavItem {
  href: string;
  label: string;
}

export const ADMIN_NAV: NavItem[] = [
  { href: '/admin', label: 'Mailboxes' },
  // Slot: { href: '/admin/quarantine', label: 'Quarantine' } (added with the spam quarantine page).
];
