CREATE TABLE "job_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"agent_id" text,
	"user_id" text NOT NULL,
	"outcome" text DEFAULT 'held' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "job_log_lines" (
	"job_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"line" text NOT NULL,
	"data" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_log_lines_job_id_seq_pk" PRIMARY KEY("job_id","seq")
);
--> statement-breakpoint
CREATE TABLE "market_agents" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"capabilities" jsonb NOT NULL,
	"public" boolean DEFAULT false NOT NULL,
	"jobs_done" integer DEFAULT 0 NOT NULL,
	"jobs_failed" integer DEFAULT 0 NOT NULL,
	"earnings_cents" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"poster_id" text NOT NULL,
	"title" text NOT NULL,
	"instructions" text NOT NULL,
	"input" jsonb,
	"price_cents" bigint NOT NULL,
	"fee_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"capabilities" jsonb NOT NULL,
	"tags" jsonb NOT NULL,
	"verifier" jsonb NOT NULL,
	"status" text DEFAULT 'pending_payment' NOT NULL,
	"deadline_at" timestamp with time zone,
	"worker_user_id" text,
	"worker_agent_id" text,
	"held_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"output" jsonb,
	"escrow_transfer_id" text,
	"fail_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opened_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "job_attempts" ADD CONSTRAINT "job_attempts_job_id_market_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."market_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_attempts" ADD CONSTRAINT "job_attempts_agent_id_market_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."market_agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_attempts" ADD CONSTRAINT "job_attempts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_log_lines" ADD CONSTRAINT "job_log_lines_job_id_market_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."market_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_agents" ADD CONSTRAINT "market_agents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_jobs" ADD CONSTRAINT "market_jobs_poster_id_users_id_fk" FOREIGN KEY ("poster_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_jobs" ADD CONSTRAINT "market_jobs_worker_user_id_users_id_fk" FOREIGN KEY ("worker_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_jobs" ADD CONSTRAINT "market_jobs_worker_agent_id_market_agents_id_fk" FOREIGN KEY ("worker_agent_id") REFERENCES "public"."market_agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_attempts_job_idx" ON "job_attempts" USING btree ("job_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "market_agents_user_name_uq" ON "market_agents" USING btree ("user_id","name");--> statement-breakpoint
CREATE INDEX "market_agents_user_idx" ON "market_agents" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "market_agents_public_idx" ON "market_agents" USING btree ("created_at","id") WHERE "market_agents"."public";--> statement-breakpoint
CREATE INDEX "market_jobs_poster_idx" ON "market_jobs" USING btree ("poster_id","created_at","id");--> statement-breakpoint
CREATE INDEX "market_jobs_worker_idx" ON "market_jobs" USING btree ("worker_user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "market_jobs_open_idx" ON "market_jobs" USING btree ("created_at","id") WHERE "market_jobs"."status" = 'open';--> statement-breakpoint
CREATE INDEX "market_jobs_open_price_idx" ON "market_jobs" USING btree ("price_cents","created_at") WHERE "market_jobs"."status" = 'open';--> statement-breakpoint
CREATE INDEX "market_jobs_held_idx" ON "market_jobs" USING btree ("held_until") WHERE "market_jobs"."status" = 'held';--> statement-breakpoint
CREATE INDEX "market_jobs_deadline_idx" ON "market_jobs" USING btree ("deadline_at") WHERE "market_jobs"."deadline_at" is not null and "market_jobs"."status" in ('pending_payment', 'open', 'held', 'accepted');--> statement-breakpoint
CREATE INDEX "market_jobs_completed_idx" ON "market_jobs" USING btree ("completed_at") WHERE "market_jobs"."status" = 'done';