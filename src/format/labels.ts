/**
 * What people read for a metric or measure name: one vocabulary for tables, charts, tiles and the HTML report. The raw
 * names (snake_case) stay in JSON, CSV and --out files; only what is shown to people goes through `label`.
 */
export const LABELS: Record<string, string> = {
  // marketing overview
  visitors: 'Visitors',
  visits: 'Visits',
  sessions: 'Sessions',
  page_views: 'Page views',
  invitations_shown: 'Invitations shown',
  invitations_accepted: 'Invitations accepted',
  chat_requests_probe: 'Chat requests (seen by the probe)',
  chat_requests: 'Chat requests',
  successful_chats: 'Chats answered',
  leads: 'Leads',
  registrations: 'Registrations',
  left_messages: 'Left messages',
  orders: 'Orders',
  order_amount: 'Order amount',
  inbound_calls: 'Inbound calls',
  pages_per_visitor: 'Pages per visitor',
  chat_requests_per_visitor: 'Chat requests per visitor',
  invitation_acceptance: 'Invitation acceptance',
  chat_success_rate: 'Chat success rate',
  // funnel stages and keyword metrics
  traffic: 'Traffic',
  inquiries: 'Inquiries',
  inquiry_rate: 'Inquiry rate',
  lead_rate: 'Lead rate',
  order_rate: 'Order rate',
  // attribution models
  first: 'First touch',
  last: 'Last touch',
  linear: 'Linear',
  time_decay: 'Time decay',
  position: 'Position-based (40/20/40)',
}

/** `inquiry_rate` → "Inquiry rate"; a name without an entry reads with spaces for underscores, first letter up. */
export function label(name: string): string {
  const known = LABELS[name]
  if (known) return known
  const spaced = name.replaceAll('_', ' ')
  return spaced.charAt(0).toUpperCase() + spaced.slice(1)
}
