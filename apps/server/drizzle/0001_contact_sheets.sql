CREATE TABLE `sheet_tiles` (
	`sheet_id` integer NOT NULL,
	`position` integer NOT NULL,
	`file_id` integer NOT NULL,
	`sha256` text NOT NULL,
	`x` integer NOT NULL,
	`y` integer NOT NULL,
	`w` integer NOT NULL,
	`h` integer NOT NULL,
	FOREIGN KEY (`sheet_id`) REFERENCES `sheets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sheet_tiles_sheet_position` ON `sheet_tiles` (`sheet_id`,`position`);--> statement-breakpoint
CREATE INDEX `sheet_tiles_file` ON `sheet_tiles` (`file_id`);--> statement-breakpoint
CREATE TABLE `sheets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`root_id` integer NOT NULL,
	`folder` text NOT NULL,
	`page` integer NOT NULL,
	`pages` integer NOT NULL,
	`tile_count` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`image_path` text NOT NULL,
	`index_path` text NOT NULL,
	`bytes` integer NOT NULL,
	`signature` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`root_id`) REFERENCES `roots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sheets_root_folder_page` ON `sheets` (`root_id`,`folder`,`page`);--> statement-breakpoint
CREATE TABLE `thumbnails` (
	`sha256` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`width` integer,
	`height` integer,
	`duration_s` real,
	`frames` integer,
	`reason` text,
	`created_at` integer NOT NULL
);
