/** Usage texts, kept apart from the commands so `--help` loads nothing heavy. */

export const MAIN_USAGE = `greenroom: background removal for product photos, on your CPU.

Usage:
  greenroom cutout INPUT... [--out DIR] [options]   cut out photos (files or folders)
  greenroom edit INPUT... [--out DIR] [options]     cut out and lay on a background with a shadow
  greenroom retouch INPUT --mask FILE [options]     remove what a mask covers, fill it from the photo
  greenroom batch DIR... --out DIR [options]        an edit of many photos as a resumable job
  greenroom templates [--json] [--sheet FILE]       list the background templates
  greenroom energy [--since DATE] [--json|--csv]    joules and CO2e from the energy ledger
  greenroom models [--json] [--prepare [ID]]        list the models, or assemble one now
  greenroom serve [--port N] [--host H]             the HTTP API (docs at /docs)
  greenroom worker                                  a fleet worker: batch items from Redis
  greenroom start                                   cut out the bundled sample photos
  greenroom help COMMAND                            help for a command

Options:
  -h, --help       show help (also: greenroom COMMAND --help)
  -v, --version    print the version

Environment:
  GREENROOM_CACHE_DIR   where assembled models are cached (default ~/.cache/greenroom)
  GREENROOM_THREADS     inference threads (default: every core)
  GREENROOM_MAX_PIXELS  largest accepted image in pixels (default 50000000)
  GREENROOM_MODEL       default model id (default isnet)
  GREENROOM_DATA_DIR    where the energy ledger is kept (default ~/.local/share/greenroom)
  PORT, HOST            where greenroom serve listens (default 8080, 127.0.0.1)
  GREENROOM_REDIS_URL   run batch jobs on a fleet (BullMQ on this Redis); see greenroom worker --help
  GREENROOM_STORAGE_URL where a fleet keeps inputs and outputs: file:///shared/folder or
                        s3://bucket/prefix (default: the data folder); see docs/DEPLOY.md
  GREENROOM_MAX_UPLOAD_BYTES, GREENROOM_API_KEYS, GREENROOM_RATE_LIMIT_PER_MIN,
  GREENROOM_ALLOW_URL_FETCH, GREENROOM_CORS_ORIGIN: see greenroom serve --help
  GREENROOM_ENERGY_METER, GREENROOM_GRID_COUNTRY, GREENROOM_GRID_G_PER_KWH, GREENROOM_PUE,
  GREENROOM_CPU_WATTS_PER_THREAD, GREENROOM_CPU_TDP_W, GREENROOM_IDLE_WATTS: see docs/ENERGY.md
`;

export const CUTOUT_USAGE = `Usage: greenroom cutout INPUT... [--out DIR] [options]

Cuts the subject out of each INPUT and writes DIR/<name>.<ext>. A folder means every image
in it (.jpg .jpeg .png .webp .avif .heic .heif .tif .tiff .gif, not recursive); a file named explicitly
is always attempted. Two inputs with the same name get -2, -3... suffixes. A failed input
is reported and the run goes on; the exit code is 1 if any input failed.

Options:
  -o, --out DIR            output folder, created if needed (default ./out)
  -f, --format FORMAT      png (default), webp, avif, jpeg (or jpg)
      --channels CHANNELS  rgba (default): the cutout; alpha: the matte alone, grayscale
  -q, --quality QUALITY    fast (512 px network), balanced (768), best (1024, default)
      --crop               crop to the subject
      --crop-margin VALUE  margin around the crop (implies --crop): 20px, 10%, "10px 20px",
                           or 4 values top right bottom left; at most 500px or 50%
      --bg-color COLOR     lay the cutout on a colour: hex (#fff, 336699, #33669980) or a
                           name (white, black, ...); JPEG gets white when none is given
      --export-quality N   encoder quality 1-100 for webp, avif and jpeg
      --no-refine          plain bilinear matte upsampling (no edge sharpening from the photo)
      --no-decontaminate   keep the photo's colours at soft edges
  -m, --model ID           model id (see greenroom models; default isnet)
      --hints FILE         fix the cutout by hand: a JSON file of keep and erase strokes,
                           [{"mode": "erase", "radius": 12, "points": [[x, y], ...]}, ...] in
                           the photo's pixels, or an image of the photo's shape where green
                           (#00ff00) means keep, red (#ff0000) erase, the rest no opinion.
                           The change follows the photo's edges (see docs/EDITING.md)
      --keep-color COLOR   the keep colour of a hints image (default #00ff00)
      --erase-color COLOR  the erase colour of a hints image (default #ff0000)
      --matte FILE         the previous cutout of this photo: its matte is reused and the
                           network does not run again (with --hints; one INPUT, the photo)
      --json               one JSON line per input on stdout:
                           {file, output, width, height, subject, model, quality,
                            workingSize, stages: {decode, segment, refine, encode}, totalMs,
                            waitMs, hints, uncertainty (0 sure .. 1 unsure)} or
                           {file, error: {code, message}}
  -j, --jobs N             images in flight, 1-8 (default 2). Inference runs one image at a
                           time in a worker thread while the other images decode, refine and
                           encode; time queued for the network is reported as waitMs, not
                           as stage time
  -h, --help               show this help

Examples:
  greenroom cutout shoes.jpg
  greenroom cutout photos/ --out cutouts --format webp --crop --crop-margin 5%
  greenroom cutout *.jpg --format jpeg --bg-color white --json > report.jsonl
  greenroom cutout bike.jpg --matte out/bike.png --hints erase.json --out fixed
`;

export const RETOUCH_USAGE = `Usage: greenroom retouch INPUT --mask FILE [--out DIR] [options]
       greenroom retouch INPUT --strokes FILE [--out DIR] [options]
       greenroom retouch INPUT... --expand VALUE [--out DIR] [options]

Removes what a mask covers (a price sticker, dust, a cable, clutter behind the product) and
fills it with the photo's own texture, or grows the canvas and fills the new border from the
photo. Writes DIR/<name>.<ext> at the photo's size (the expanded size with --expand). Pixels
outside the mask do not change, except a blend of 2 px along its edge. No network runs.

Options:
      --mask FILE          an image of the photo's shape, any size: white (or opaque, on a
                           transparent image) where to remove, black (or clear) elsewhere
      --strokes FILE       brush strokes instead of a mask, in the touch-up JSON:
                           [{"mode": "erase", "radius": 12, "points": [[x, y], ...]}, ...] in the
                           photo's pixels (or {"strokes": [...], "width": W, "height": H}); erase
                           strokes paint what to remove, keep strokes take pixels back out
      --expand VALUE       grow the canvas: 200px (or 200), 10% of each side, 2 or 4 values
                           (top right bottom left), or the new size WxH (photo centred); each
                           side at most 100%. With --mask or --strokes, both are filled
      --matte FILE         the photo's cutout (or a grey matte): a hole on the product is filled
                           from the product, one in the background from the background. A
                           cutout given as INPUT is its own matte and keeps its transparency
  -o, --out DIR            output folder, created if needed (default ./out)
  -f, --format FORMAT      png (default), jpeg (jpg), webp, avif
      --export-quality N   encoder quality 1-100 for jpeg, webp, avif
      --json               one JSON line per input on stdout: {file, output, width, height,
                           retouch: {filledPixels, share, changed, region, expanded, matteFrom,
                           levels}, stages: {decode, retouch, encode}, totalMs, energy} or
                           {file, error: {code, message}}
  -j, --jobs N             images in flight with --expand alone, 1-8 (default 2)
  -h, --help               show this help

A mask or strokes belong to one photo: name exactly one INPUT. Bad masks are refused before any
work, and nothing is written: GREENROOM_ERR_INVALID_MASK (empty, another shape, unreadable),
GREENROOM_ERR_MASK_TOO_LARGE (over half of the photo).

Examples:
  greenroom retouch mug.jpg --mask sticker-mask.png
  greenroom retouch bike.jpg --strokes cable.json --matte out/bike.png --out clean
  greenroom retouch shoes/ --expand 10% --format jpeg
`;

export const MODELS_USAGE = `Usage: greenroom models [--json]
       greenroom models --prepare [ID] [--json]

Lists the models greenroom knows: id, description, precision, size, licence, which one is
the default, and where its prepared file is cached (models are assembled from the installed
weights package into the cache on first use; nothing is downloaded).

Options:
      --prepare [ID]   assemble a model into the cache now (default: the default model)
                       and print its path
      --json           machine-readable output
  -h, --help           show this help
`;

export const START_USAGE = `Usage: greenroom start [--quality fast|balanced|best|max]

Cuts out the sample photos bundled with greenroom into ./out/samples and says how long each
took: a quick end-to-end check that the model works on this machine.

Options:
  -q, --quality QUALITY   fast, balanced, best (default), max (every network pass: up to 3x the time)
  -h, --help              show this help
`;

export const EDIT_USAGE = `Usage: greenroom edit INPUT... [--out DIR] [options]

Cuts the subject out of each INPUT, lays it on a background with a shadow and writes
DIR/<name>.<ext>. Inputs are handled as by greenroom cutout (files or folders; a failed input
is reported and the run goes on; exit code 1 if any failed).

Options:
  -o, --out DIR            output folder, created if needed (default ./out)
  -b, --background BG      a colour (white, #f4efe6), template:NAME (see greenroom templates),
                           image:PATH (your own photo), transparent, or free text describing a
                           scene, such as "white marble counter, soft morning light"
      --seed N             seed for template and prompt scenes (the same seed, the same pixels)
  -s, --shadow MODE        soft, hard, floating, reflection or none (default: the template's
                           suggestion; soft for prompts; none for colours)
      --lighting MODE      harmonize (match the subject to the scene's light), exposure, none
  -p, --preset NAME        marketplace preset: amazon-main, google-shopping, ebay, etsy,
                           shopify, instagram-square, instagram-portrait (size, framing,
                           background and format from the marketplace's image rules)
      --size WxH           output size: 2000x2000, original (default) or cropped
      --padding VALUE      space between the frame and the subject: 0.1, 10% or 40px
                           (default 0.1, or the preset's)
  -f, --format FORMAT      png (default), jpeg (jpg), webp, avif
      --export-quality N   encoder quality 1-100 for jpeg, webp, avif
  -q, --quality QUALITY    cutout quality: fast, balanced, best (default), max (up to 3 network passes)
  -m, --model ID           model id (see greenroom models)
      --spec FILE          a JSON job spec; the flags above override its fields
      --hints FILE         keep and erase strokes (JSON) or a hints image, as for greenroom
                           cutout; --keep-color, --erase-color as there
      --matte FILE         the previous cutout of this photo (its matte is reused: no network)
      --json               one JSON line per input on stdout (file, output, size, subject,
                           background with the words understood, shadow, stages, warnings)
  -j, --jobs N             images in flight, 1-8 (default 2)
  -h, --help               show this help

Examples:
  greenroom edit mug.jpg --preset amazon-main
  greenroom edit photos/ --background template:white-marble --shadow soft --size 2000x2000
  greenroom edit shoe.png --background "alpine mountains at golden hour" --seed 7 --format jpeg
  greenroom edit bike.jpg --matte out/bike.png --hints erase.json --preset amazon-main
`;

export const BATCH_USAGE = `Usage: greenroom batch INPUT... --out DIR [options]

Edits every photo of the INPUT folders (or files) through the job queue, as greenroom edit
does, with a progress bar; each output is written to DIR as soon as it is ready. The job is
kept in GREENROOM_DATA_DIR/batch: if the run is interrupted (Ctrl-C, a crash, kill -9), running
the same command again resumes it, and images already finished are only copied out. Changing
an input file or a flag starts a new job. A failed image is reported and the run goes on; the
exit code is 1 if any failed. See docs/JOBS.md.

With GREENROOM_REDIS_URL set, the job is submitted to the fleet instead (inputs uploaded to
GREENROOM_STORAGE_URL, processed by the greenroom worker processes; nothing is loaded here),
and running the same command again resumes it the same way. See docs/DEPLOY.md.

Options:
  -o, --out DIR            output folder, created if needed (default ./out)
  -b, --background BG      as greenroom edit: a colour, template:NAME, image:PATH,
                           transparent, or words describing a scene
      --seed N             seed for template and prompt scenes
  -s, --shadow MODE        soft, hard, floating, reflection or none
      --lighting MODE      harmonize, exposure, none
  -p, --preset NAME        marketplace preset (amazon-main, google-shopping, ebay, etsy, ...)
      --size WxH           output size: 2000x2000, original (default) or cropped
      --padding VALUE      0.1, 10% or 40px
  -f, --format FORMAT      png (default), jpeg (jpg), webp, avif
      --export-quality N   encoder quality 1-100 for jpeg, webp, avif
  -q, --quality QUALITY    cutout quality: fast, balanced, best (default), max (up to 3 network passes)
  -m, --model ID           model id (see greenroom models)
      --spec FILE          a JSON job spec; the flags above override its fields
      --json               one JSON line per image as it finishes: {file, output, width,
                           height, energyJ} or {file, error: {code, message}}
  -j, --jobs N             images processed at once, 1-8 (default GREENROOM_JOB_CONCURRENCY, 1)
      --callback-url URL   POST a signed summary there when the job ends (needs
                           GREENROOM_WEBHOOK_SECRET; see docs/API.md "Webhooks"); without a
                           fleet the run waits for the delivery before exiting
  -h, --help               show this help

Examples:
  greenroom batch photos/ --out listing --preset amazon-main
  greenroom batch shoots/day1 shoots/day2 --out web --background template:white-marble --format webp
`;

export const TEMPLATES_USAGE = `Usage: greenroom templates [--json] [--sheet FILE]

Lists the background templates (use one with greenroom edit --background template:NAME).

Options:
      --json         print the templates as a JSON array
      --sheet FILE   also write a contact sheet of every template (PNG)
  -h, --help         show this help
`;

export const ENERGY_USAGE = `Usage: greenroom energy [--since DATE] [--until DATE] [--batch ID] [--json | --csv] [--entries]

Sums the energy ledger: every cutout and edit greenroom ran on this machine is recorded with
its joules and grams of CO2e (in GREENROOM_DATA_DIR/energy/ledger.jsonl). Prints the total, per
operation and per day. Figures say whether they were measured (RAPL, NVML) or estimated (the
CPU-time model); see docs/ENERGY.md.

Options:
      --since DATE   from this date or time (2026-11-17, 2026-11-17T09:00Z) or span (7d, 24h)
      --until DATE   up to (not including) this date or time
      --batch ID     only the images of one batch
      --json         the summary as JSON (with --entries: every entry)
      --csv          the summary as CSV rows (with --entries: one row per image)
      --entries      list entries instead of totals (with --json or --csv)
  -h, --help         show this help

Examples:
  greenroom energy --since 7d
  greenroom energy --since 2026-11-01 --until 2026-12-01 --csv > november.csv
`;

export const SERVE_USAGE = `Usage: greenroom serve [--port N] [--host H] [--no-worker]

Serves the HTTP API until Ctrl-C (SIGINT) or SIGTERM: POST /v1/cutout, /v1/edit, the
remove.bg-compatible /v1.0/removebg and the Photoroom-compatible /v1/segment, GET /health,
/metrics (Prometheus) and /v1/energy. The API reference is served at /docs (OpenAPI at
/docs/json); see also docs/API.md. The model is loaded once at start.

Options:
  -p, --port N       port (default $PORT or 8080; 0 picks a free one)
  -H, --host H       address to listen on (default $HOST or 127.0.0.1, this machine only;
                     0.0.0.0 serves the network)
      --no-worker    with GREENROOM_REDIS_URL: take uploads and answer status, events and
                     zips, but process no batch item here (greenroom worker processes do)
  -h, --help         show this help

Batch jobs (/v1/jobs): without GREENROOM_REDIS_URL they run in this process (the embedded
queue under GREENROOM_DATA_DIR/jobs). With it, they go through BullMQ on that Redis, inputs
and outputs in GREENROOM_STORAGE_URL, and this server also runs one worker unless --no-worker.

Environment:
  GREENROOM_MAX_UPLOAD_BYTES    largest upload per file (default 26214400, 25 MB)
  GREENROOM_API_KEYS            comma-separated keys; when set, /v1* needs x-api-key
  GREENROOM_RATE_LIMIT_PER_MIN  requests per minute per key, or per address without keys
                                (default 500; 0 turns it off)
  GREENROOM_ALLOW_URL_FETCH     1 lets remove.bg's image_url fetch public URLs (default off)
  GREENROOM_CORS_ORIGIN         origins allowed to call the API from a browser ("*" or a
                                comma-separated list; default none)
  GREENROOM_MAX_PIXELS, GREENROOM_DATA_DIR, GREENROOM_CACHE_DIR...: see greenroom --help

Example:
  greenroom serve --port 8080
  curl -F image_file=@mug.jpg http://127.0.0.1:8080/v1/cutout -o mug.png
`;

export const WORKER_USAGE = `Usage: greenroom worker [--concurrency N] [--name NAME]

A fleet worker: holds a warm studio and takes batch items (one image each) from BullMQ on
GREENROOM_REDIS_URL, reading inputs from and writing outputs to GREENROOM_STORAGE_URL. Run any
number of them, on any number of machines, beside "greenroom serve --no-worker". SIGTERM or
Ctrl-C stops it gracefully: the item in hand finishes and is recorded, no new one is taken (a
second signal exits at once; the item then runs again elsewhere). See docs/DEPLOY.md.

Options:
  -c, --concurrency N  items at once in this process, 1-8 (default GREENROOM_JOB_CONCURRENCY, 1;
                       inference already uses GREENROOM_THREADS cores)
  -n, --name NAME      this worker's name in /metrics and job items (default
                       GREENROOM_WORKER_NAME, else host:pid)
  -q, --quiet          no line per item
  -h, --help           show this help

Environment:
  GREENROOM_REDIS_URL            redis://host:6379 (required)
  GREENROOM_STORAGE_URL          file:///shared/folder or s3://bucket/prefix; every worker and
                                 server of a fleet must see the same storage
  GREENROOM_S3_ENDPOINT          an S3-compatible service (MinIO, R2...); credentials from
                                 AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, region AWS_REGION
  GREENROOM_THREADS              inference threads (default: every core)
  GREENROOM_JOB_LOCK_MS, GREENROOM_JOB_STALLED_INTERVAL_MS, GREENROOM_JOB_ATTEMPTS:
                                 lock 30000, stall check 15000, 3 starts per item (docs/DEPLOY.md)

Example:
  GREENROOM_REDIS_URL=redis://10.0.0.5:6379 GREENROOM_STORAGE_URL=s3://photos/greenroom greenroom worker
`;
