create or replace table scenario_matches (
  session_id    VARCHAR NOT NULL,
  site          VARCHAR,
  visitor_id    VARCHAR,
  started_at    TIMESTAMP,
  intent        VARCHAR,
  scenario_id   VARCHAR NOT NULL,
  priority      DOUBLE,
  action_type   VARCHAR NOT NULL,   -- card | invite | route | lead_form
  message       VARCHAR,
  resource_id   VARCHAR,
  resource_type VARCHAR,
  route_kind    VARCHAR,            -- skill_group | local_partner | previous_agent | least_loaded
  route_target  VARCHAR
);
