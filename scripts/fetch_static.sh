#!/usr/bin/env bash
# Re-create static/ (the map's JavaScript, CSS, images and fonts) from the npm registry.
#
#   bash scripts/fetch_static.sh
#
# The app never runs this: static/ is committed, and Streamlit serves it at /app/static/...
# (`[server] enableStaticServing = true` in .streamlit/config.toml).  Run it only to check the
# committed files or to move to other pinned versions (change VERSION and INTEGRITY together,
# then update analysis/maps/assets.py: LOCAL_JS / LOCAL_CSS).
#
# Every package is fetched with `npm pack name@version`, checked against the pinned sha512
# integrity below (the same value `npm view name@version dist.integrity` prints), and only the
# files the maps load are kept, each package with its licence file.
#
# Not taken from npm:
#   * folium's glyphicons CSS (Bootstrap 3 icon font) and its leaflet.awesome.rotate CSS: they
#     are needed only by folium.Icon(prefix="glyphicon") and folium.Icon(angle=...), which our
#     maps never use; analysis.maps.use_local_assets() drops those two links.
#   * leaflet.awesome-markers 2.0.2 (folium's default) is not on npm; 2.0.5 is the same plugin.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)"; exit 1; }

# name@version and the sha512 integrity of its tarball.
PACKAGES=(
  "leaflet@1.9.4 sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
  "jquery@3.7.1 sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg=="
  "bootstrap@5.2.2 sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ=="
  "leaflet.awesome-markers@2.0.5 sha512-Ne/xDjkGyaujwNVVkv2tyXQUV0ZW7gZ0Mo0FuQY4jp2qWrvXi0hwDBvmZyF/8YOvybyMabTMM/mFWCTd1jZIQA=="
  "@fortawesome/fontawesome-free@6.2.0 sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ=="
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for entry in "${PACKAGES[@]}"; do
  spec=${entry%% *}
  integrity=${entry#* }
  name=${spec%@*}
  tarball=$(cd "$work" && npm pack --silent "$spec" | tail -n 1)
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "integrity mismatch for $spec: got $actual" >&2
    exit 1
  fi
  mkdir -p "$work/${name//\//_}"
  tar -xzf "$work/$tarball" -C "$work/${name//\//_}"
  echo "fetched $spec"
done

src() { echo "$work/${1//\//_}/package"; }
out=static.new
rm -rf "$out"

# Leaflet: library, stylesheet, the images the stylesheet and the layer control use.
mkdir -p "$out/leaflet/images"
cp "$(src leaflet)/dist/leaflet.js" "$(src leaflet)/dist/leaflet.css" "$out/leaflet/"
cp "$(src leaflet)"/dist/images/*.png "$out/leaflet/images/"
cp "$(src leaflet)/LICENSE" "$out/leaflet/LICENSE"

# jQuery: folium builds popups with it.
mkdir -p "$out/jquery"
cp "$(src jquery)/dist/jquery.min.js" "$out/jquery/"
cp "$(src jquery)/LICENSE.txt" "$out/jquery/LICENSE.txt"

# Bootstrap: folium loads its CSS and JS bundle on every map.
mkdir -p "$out/bootstrap/css" "$out/bootstrap/js"
cp "$(src bootstrap)/dist/css/bootstrap.min.css" "$out/bootstrap/css/"
cp "$(src bootstrap)/dist/js/bootstrap.bundle.min.js" "$out/bootstrap/js/"
cp "$(src bootstrap)/LICENSE" "$out/bootstrap/LICENSE"

# Leaflet.awesome-markers: folium.Icon markers (kept so any folium.Icon stays offline too).
mkdir -p "$out/leaflet.awesome-markers/images"
cp "$(src leaflet.awesome-markers)/dist/leaflet.awesome-markers.min.js" \
   "$(src leaflet.awesome-markers)/dist/leaflet.awesome-markers.css" "$out/leaflet.awesome-markers/"
cp "$(src leaflet.awesome-markers)"/dist/images/markers-{soft,shadow}{,@2x}.png \
   "$out/leaflet.awesome-markers/images/"
cp "$(src leaflet.awesome-markers)/LICENSE" "$out/leaflet.awesome-markers/LICENSE"

# Font Awesome Free: icons inside folium.Icon.  Only the woff2 fonts: every browser the app
# supports takes woff2 first and never asks for the ttf fallbacks.
mkdir -p "$out/fontawesome-free/css" "$out/fontawesome-free/webfonts"
cp "$(src @fortawesome/fontawesome-free)/css/all.min.css" "$out/fontawesome-free/css/"
cp "$(src @fortawesome/fontawesome-free)"/webfonts/*.woff2 "$out/fontawesome-free/webfonts/"
cp "$(src @fortawesome/fontawesome-free)/LICENSE.txt" "$out/fontawesome-free/LICENSE.txt"

# Keep static/README.md (ours, not fetched).
[ -f static/README.md ] && cp static/README.md "$out/README.md"
rm -rf static
mv "$out" static
echo "static/ re-created:"
du -sh static/*
