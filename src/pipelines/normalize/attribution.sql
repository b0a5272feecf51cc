-- Every probe event with its user agent's bot flag, heartbeat visibility and, on pageviews, the traffic source:
-- campaign parameters on the landing URL (landing_map) win over the referrer (referrer_map); a referrer from the
-- landing host or a site domain is internal; no referrer is direct. Same precedence as classifyReferrer().
create or replace temp table norm_ev as
with joined as (
  select
    e.event_id, e.site, e.visitor_id, e.ts, e.type, e.url, e.title, e.referrer, e.ip, e.user_agent,
    e.x, e.y, e.selector, e.member_id, e.visit_count, e.directive_id, e.ref_id, e.value,
    coalesce(u.is_bot, false) as is_bot,
    not coalesce(e.type = 'heartbeat' and e.props like '%visib%'
         and (json_extract_string(e.props, '$.visible') in ('false', '0') or json_extract_string(e.props, '$.visibility') = 'hidden'), false) as visible,
    r.host as ref_host, r.medium as ref_medium, r.source as ref_source, r.term as ref_term, r.term_raw as ref_term_raw,
    l.url is not null as has_landing, l.medium as l_medium, l.fallback_medium as l_fallback, l.source as l_source,
    l.term as l_term, l.term_raw as l_term_raw, l.campaign as l_campaign
  from raw_probe_events e
  left join ua_map u on u.user_agent = e.user_agent
  -- join keys are null on other events: a plain equi-join (a side condition here would make it a nested loop)
  left join referrer_map r on r.referrer = case when e.type = 'pageview' then e.referrer end
  left join landing_map l on l.url = case when e.type = 'pageview' then e.url end
), flagged as (
  select *,
    case when ref_host is null then false
      else (
        regexp_replace(ref_host, '^www\d?\.', '') = regexp_replace(lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#:]+)', 1)), '^www\d?\.', '')
        or {{site_domain_check}}
      ) end as internal
  from joined
), classified as (
  select *,
    ref_host is not null and ref_medium <> 'direct' and not internal as external,
  from flagged
)
select
  event_id, site, visitor_id, ts, type, url, title, referrer, ip, user_agent, x, y, selector, member_id, visit_count,
  directive_id, ref_id, value, is_bot, visible,
  case when type = 'pageview' then coalesce(l_medium, case when external then ref_medium end, l_fallback, case when internal then 'internal' else 'direct' end) end as medium,
  case when type = 'pageview' then coalesce(l_source, case when external then ref_source end, case when internal then ref_host end) end as source,
  case when l_term_raw is not null then l_term when external then ref_term end as term,
  case when l_term_raw is not null then l_term_raw when external then ref_term_raw end as term_raw,
  l_campaign as campaign,
  -- the visit's traffic-source key: only pageviews arriving from outside or with campaign parameters carry one
  case when type = 'pageview' and (external or has_landing) then
    concat_ws(chr(31),
      coalesce(l_medium, case when external then ref_medium end, l_fallback, 'direct'),
      coalesce(l_source, case when external then ref_source end, ''),
      coalesce(case when l_term_raw is not null then l_term when external then ref_term end, ''),
      coalesce(l_campaign, ''))
  end as attr_key
from classified;
