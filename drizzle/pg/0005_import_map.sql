CREATE TABLE "import_map" (
	"kind" text NOT NULL,
	"original_id" text NOT NULL,
	"original_at" text NOT NULL,
	"target" text NOT NULL,
	"conversation" text,
	"imported_at" text NOT NULL,
	CONSTRAINT "import_map_kind_original_id_original_at_pk" PRIMARY KEY("kind","original_id","original_at")
);
--> statement-breakpoint
CREATE INDEX "import_map_conversation_idx" ON "import_map" USING btree ("conversation");