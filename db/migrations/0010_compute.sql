CREATE TABLE "chain_cursors" (
	"id" text PRIMARY KEY NOT NULL,
	"next_block" bigint NOT NULL,
	"last_block_hash" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_purchases" (
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"cursor_id" text NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"token_id" bigint NOT NULL,
	"buyer" text NOT NULL,
	"tier" integer NOT NULL,
	"duration_days" integer NOT NULL,
	"purchase_date" timestamp with time zone NOT NULL,
	"total_cost" numeric(78, 0) NOT NULL,
	"status" text DEFAULT 'confirmed' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chain_purchases_tx_hash_log_index_pk" PRIMARY KEY("tx_hash","log_index")
);
--> statement-breakpoint
CREATE TABLE "vms" (
	"token_id" bigint PRIMARY KEY NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"buyer" text NOT NULL,
	"tier" integer NOT NULL,
	"vm_type" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"provider" text,
	"instance_id" text,
	"ssh_host" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "chain_purchases_cursor_block_idx" ON "chain_purchases" USING btree ("cursor_id","block_number");--> statement-breakpoint
CREATE UNIQUE INDEX "vms_purchase_uq" ON "vms" USING btree ("tx_hash","log_index");--> statement-breakpoint
CREATE INDEX "vms_buyer_idx" ON "vms" USING btree (lower("buyer"));