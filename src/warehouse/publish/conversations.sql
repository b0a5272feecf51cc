-- ccx_conversations: chats as the overview reads them, by request day.
select strftime(requested_at, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, agent_id,
  epoch_us(requested_at) as requested_us, epoch_us(answered_at) as answered_us, epoch_us(ended_at) as ended_us, csat, resolved
from raw_conversations
where requested_at >= $start::TIMESTAMP and requested_at < $end::TIMESTAMP and {{site_filter}}
