CREATE TABLE "anthropic_usage" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "anthropic_usage_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sandbox_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"model" text,
	"status" integer NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_proxy_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "anthropic_usage" ADD CONSTRAINT "anthropic_usage_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anthropic_usage" ADD CONSTRAINT "anthropic_usage_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_proxy_tokens" ADD CONSTRAINT "sandbox_proxy_tokens_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_proxy_tokens" ADD CONSTRAINT "sandbox_proxy_tokens_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "anthropic_usage_workspace_idx" ON "anthropic_usage" USING btree ("workspace_id","at");--> statement-breakpoint
CREATE INDEX "anthropic_usage_sandbox_idx" ON "anthropic_usage" USING btree ("sandbox_id","at");--> statement-breakpoint
CREATE INDEX "sandbox_proxy_tokens_sandbox_idx" ON "sandbox_proxy_tokens" USING btree ("sandbox_id");