-- Traffic source of each pageview that has a referrer or campaign parameters (others are direct): campaign
-- parameters on the landing URL (landing_map) win over the referrer (referrer_map); a referrer from the landing
-- host or a site domain is internal. Same precedence as classifyReferrer() in src/enrich/referrer.ts.
-- rid is the raw row's rowid (norm_src, a view, names it raw_rowid): the narrow tables below carry it instead of the
-- wide text columns. {{raw}} is raw_probe_events (a full run) or norm_src, every event of the visitors an incremental
-- run re-does (delta.sql, source.sql);
-- {{in_batch}} keeps the visitors of this batch of a full run (pipeline.ts, `batches`), or is true.
create or replace temp table norm_attr as
with joined as (
  select
    e.{{rowid}} as rid, e.url,
    r.host as ref_host, r.medium as ref_medium, r.source as ref_source, r.term as ref_term, r.term_raw as ref_term_raw,
    l.url is not null as has_landing, l.medium as l_medium, l.fallback_medium as l_fallback, l.source as l_source,
    l.term as l_term, l.term_raw as l_term_raw, l.campaign as l_campaign
  from {{raw}} e
  left join referrer_map r on r.referrer = e.referrer
  left join landing_map l on l.url = e.url
  where e.type = 'pageview' and (r.referrer is not null or l.url is not null) and {{in_batch}}
), flagged as (
  select *,
    case when ref_host is null then false
      else (
        regexp_replace(ref_host, '^www\d?\.', '') = regexp_replace(lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#:]+)', 1)), '^www\d?\.', '')
        or {{site_domain_check}}
      ) end as internal
  from joined
), classified as (
  select *, ref_host is not null and ref_medium <> 'direct' and not internal as external
  from flagged
)
select
  rid,
  coalesce(l_medium, case when external then ref_medium end, l_fallback, case when internal then 'internal' else 'direct' end) as medium,
  coalesce(l_source, case when external then ref_source end, case when internal then ref_host end) as source,
  case when l_term_raw is not null then l_term when external then ref_term end as term,
  case when l_term_raw is not null then l_term_raw when external then ref_term_raw end as term_raw,
  l_campaign as campaign,
  -- the row of session_sources this source is (tables.sql): a hash of the five values above
  hash(medium, source, term, term_raw, campaign) as source_key,
  -- the visit's traffic-source key: only pageviews arriving from outside or with campaign parameters carry one
  case when external or has_landing then
    hash(coalesce(l_medium, case when external then ref_medium end, l_fallback, 'direct'),
         coalesce(l_source, case when external then ref_source end, ''),
         coalesce(case when l_term_raw is not null then l_term when external then ref_term end, ''),
         coalesce(l_campaign, ''))
  end as attr_key
from classified;

-- Every probe event, narrow: what sessionization needs and nothing wider. A view: sessionize.sql reads it once, so
-- materializing it would only add a write and a re-read of every row.
create or replace temp view norm_ev as
select
  -- windows sort on an integer visitor key, much faster than on (site, visitor_id) text; 64-bit hash collisions
  -- among even millions of visitors are vanishingly rare (~1e-8)
  e.{{rowid}} as rid, e.event_key, hash(e.event_id) as event_h, hash(e.site, e.visitor_id) as vkey, e.ts,
  e.type = 'pageview' as is_pv,
  -- visitor actions (not pageviews, heartbeats or what the system showed): they make a visit engaged
  e.type not in ('pageview', 'heartbeat', 'invite_shown') as is_action,
  e.type = 'invite_shown' as is_system,
  not coalesce(e.type = 'heartbeat' and e.props like '%visib%'
       and (json_extract_string(e.props, '$.visible') in ('false', '0') or json_extract_string(e.props, '$.visibility') = 'hidden'), false) as visible,
  e.visit_count,
  coalesce(u.is_bot, false) as is_bot,
  -- IP and user agent travel as 64-bit hashes (joined back to ip_geo_map / ua_map by the same hash)
  case when e.ip <> '' then hash(e.ip) end as ip_h,
  u.ua_h,
  -- the member id travels as its row's rowid (a number sorts far cheaper than text); tables.sql fetches the text
  case when e.member_id <> '' then e.{{rowid}} end as member_rid,
  a.attr_key
from {{raw}} e
left join (select hash(user_agent) as ua_h, is_bot from ua_map) u on u.ua_h = hash(e.user_agent)
left join norm_attr a on a.rid = e.{{rowid}}
where {{in_batch}};
