CREATE TABLE `copies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`destination_id` integer NOT NULL,
	`key` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`storage_class` text NOT NULL,
	`etag` text,
	`file_id` integer,
	`verified_at` integer NOT NULL,
	`lost_at` integer,
	FOREIGN KEY (`destination_id`) REFERENCES `destinations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `copies_destination_key` ON `copies` (`destination_id`,`key`);--> statement-breakpoint
CREATE INDEX `copies_sha256` ON `copies` (`sha256`,`destination_id`);--> statement-breakpoint
CREATE TABLE `destinations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`config` text NOT NULL,
	`secret` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `destinations_name_unique` ON `destinations` (`name`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`destination_id` integer NOT NULL,
	`key` text NOT NULL,
	`sha256` text NOT NULL,
	`state` text NOT NULL,
	`job_id` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`destination_id`) REFERENCES `destinations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_destination_key` ON `uploads` (`destination_id`,`key`);