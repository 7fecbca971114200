-- First start of the database: one schema per service (each service's URL sets its search_path).
CREATE SCHEMA IF NOT EXISTS runnerly_tokendealer;
CREATE SCHEMA IF NOT EXISTS runnerly_dataservice;
CREATE SCHEMA IF NOT EXISTS runnerly_strava;
CREATE SCHEMA IF NOT EXISTS runnerly_plans;
CREATE SCHEMA IF NOT EXISTS runnerly_reports;
CREATE SCHEMA IF NOT EXISTS runnerly_dashboard;
