-- Every questionnaire shown in the range (survey_displays, migration 290) with its answers when there are some, and
-- the conversation's channel and agent for answers that name one.
select d.origin, d.display_key, d.survey_id, d.survey_version, strftime(d.ts, '%Y-%m-%d') as day,
       coalesce(r.campaign, d.campaign) as campaign,
       lower(coalesce(r.channel, c.channel, case when d.origin = 'probe' then 'web' end)) as channel,
       coalesce(r.agent_id, c.agent_id) as agent_id,
       r.intent, r.language, r.answers, r.response_id
from survey_displays d
left join survey_responses r on r.origin = d.origin and r.display_key = d.display_key and r.site is not distinct from d.site
left join raw_conversations c on c.conversation_id = r.conversation_id
where d.ts >= $from::TIMESTAMP and d.ts < $to::TIMESTAMP and {{site_filter}}
order by d.survey_id, d.survey_version, d.ts, d.display_key
