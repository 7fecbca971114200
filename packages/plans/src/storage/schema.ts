export interface PlansTable {
  user_id: string;
  id: string;
  template_id: string;
  race_id: string;
  race_name: string;
  race_date: string;
  race_distance: number;
  base_weekly: number;
  /** The generated weeks, as JSON: a plan is read whole and never queried inside. */
  weeks: string;
  created_at: number;
  updated_at: number;
}

export interface PlansDatabase {
  plans: PlansTable;
}
