export { startPlans, type RunningPlans } from './server.js';
export { PLANS_OPTIONS, type PlansConfig } from './config.js';
export { TEMPLATES, findTemplate, type PlanTemplate } from './templates/catalog.js';
export { generatePlan, PlanRefused, MAX_WEEKLY_INCREASE, type GeneratedPlan, type PlannedWeek, type PlannedSession } from './schedule/generate-plan.js';
export { PlanStore, type StoredPlan } from './storage/plan-store.js';
