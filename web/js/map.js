// map.js - maps in the web app with Leaflet, installed from npm and copied
// by scripts/bootstrap to /vendor/leaflet/ (never a CDN): the city's
// boundaries drawn as vector GeoJSON from /api/v1/boundaries, a tile layer
// only when the server names a tile server (/api/v1/map), a pin dropped by a
// click, by the keyboard ("pin at the map's centre") or from the phone's
// location, and the region the pin is in.  The map is an aid: every form
// stays usable without it (the region select, the address line).

import { api, qs } from './api.js';
import { faDigits } from './fa.js';
import { h, mount, when, stateBadge } from './ui.js';

const TEHRAN = [35.70, 51.40];

let leaflet = null;
let boundaries = null;
let settings = null;

/** Leaflet's script and stylesheet, loaded once (window.L). */
export function loadLeaflet() {
  if (!leaflet) {
    leaflet = new Promise((resolve, reject) => {
      if (window.L) {
        resolve(window.L);
        return;
      }
      document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/leaflet/leaflet.css' }));
      const s = h('script', { src: '/vendor/leaflet/leaflet.js' });
      s.addEventListener('load', () => {
        window.L.Icon.Default.imagePath = '/vendor/leaflet/images/';
        resolve(window.L);
      });
      s.addEventListener('error', () => {
        leaflet = null;
        reject(new Error('leaflet'));
      });
      document.head.append(s);
    });
  }
  return leaflet;
}

function once(get) {
  let p = null;
  return () => {
    if (!p) p = get().catch((e) => { p = null; throw e; });
    return p;
  };
}
boundaries = once(() => api('GET', '/boundaries'));
settings = once(() => api('GET', '/map'));

// Leaflet shows attributions as HTML: the text from the data is escaped.
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A Leaflet map in container with the boundaries (and tiles when set). */
async function baseMap(container) {
  const L = await loadLeaflet();
  const [geo, cfg] = await Promise.all([
    boundaries().catch(() => null), settings().catch(() => ({ tiles: null })),
  ]);
  const map = L.map(container, { center: TEHRAN, zoom: 11, keyboard: true, attributionControl: true, zoomControl: false });
  L.control.zoom({ zoomInTitle: 'بزرگ‌نمایی', zoomOutTitle: 'کوچک‌نمایی' }).addTo(map);
  map.attributionControl.setPrefix('Leaflet');
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: escapeHtml(cfg.tiles_attribution || '') }).addTo(map);
  }
  if (geo && geo.features && geo.features.length) {
    const layer = L.geoJSON(geo, {
      interactive: false,
      style: { color: '#0b6e4f', weight: 1.5, fillColor: '#0b6e4f', fillOpacity: 0.06 },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    if (geo.attribution) map.attributionControl.addAttribution(escapeHtml(geo.attribution));
  }
  container.hamganMap = map;	// the browser tests drop pins at coordinates
  return { L, map };
}

function mapBox(label) {
  return h('div', { class: 'map', dir: 'ltr', role: 'application', 'aria-label': label, tabindex: '0' });
}

/** The region's Persian text for a look-up answer. */
function regionText(r) {
  if (!r || !r.region) return 'این نقطه در محدودهٔ هیچ منطقه‌ای نیست؛ پیام را مرکز ۱۸۸۸ ارجاع می‌دهد.';
  return r.district ? `${r.region.name} — ${r.district.name}` : r.region.name;
}

/**
 * A pin picker for a form: returns an element with .point() ({lat, lon} or
 * null) and .clear().  opts.onRegion(regionUnit|null, answer) runs after
 * each pin; opts.onPoint(point|null) too.
 */
export function pinPicker(opts = {}) {
  const box = mapBox('نقشه: برای گذاشتن سنجاق روی محل کلیک کنید');
  const status = h('p', { class: 'map-status', role: 'status', 'aria-live': 'polite' },
    'محل را روی نقشه سنجاق کنید (اختیاری).');
  const mine = h('button', { type: 'button', class: 'secondary small', 'data-map': 'locate' }, 'موقعیت من');
  const centre = h('button', { type: 'button', class: 'secondary small', 'data-map': 'centre' }, 'سنجاق در مرکز نقشه');
  const clear = h('button', { type: 'button', class: 'secondary small', 'data-map': 'clear', hidden: true }, 'برداشتن سنجاق');
  const el = h('fieldset', { class: 'map-field' },
    h('legend', {}, opts.legend || 'محل روی نقشه'),
    box, h('p', { class: 'map-tools' }, mine, ' ', centre, ' ', clear), status);
  let point = null;
  let marker = null;
  let map = null;
  let L = null;
  let seq = 0;

  const set = async (lat, lon) => {
    point = { lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)) };
    el.dataset.lat = String(point.lat);
    el.dataset.lon = String(point.lon);
    clear.hidden = false;
    if (map) {
      if (marker) marker.setLatLng([lat, lon]);
      else {
        marker = L.marker([lat, lon], { draggable: true, keyboard: true, title: 'محل پیام', alt: 'سنجاق محل پیام' }).addTo(map);
        marker.on('dragend', () => {
          const p = marker.getLatLng();
          set(p.lat, p.lng);
        });
      }
    }
    if (opts.onPoint) opts.onPoint(point);
    const my = ++seq;
    status.textContent = 'در حال یافتن منطقه…';
    try {
      const r = await api('GET', '/places/region' + qs({ lat: point.lat, lon: point.lon }));
      if (my !== seq) return;
      status.textContent = 'منطقه: ' + regionText(r);
      status.dataset.region = r.region ? r.region.code : '';
      if (opts.onRegion) opts.onRegion(r.region, r);
    } catch (e) {
      if (my === seq) status.textContent = e.fa;
    }
  };
  el.point = () => point;
  el.clear = () => {
    point = null;
    seq += 1;
    delete el.dataset.lat;
    delete el.dataset.lon;
    delete status.dataset.region;
    clear.hidden = true;
    if (marker) marker.remove();
    marker = null;
    status.textContent = 'محل را روی نقشه سنجاق کنید (اختیاری).';
    if (opts.onPoint) opts.onPoint(null);
    if (opts.onRegion) opts.onRegion(null, null);
  };
  el.set = set;
  clear.addEventListener('click', () => el.clear());
  centre.addEventListener('click', () => {
    if (map) {
      const c = map.getCenter();
      set(c.lat, c.lng);
    }
  });
  if (!navigator.geolocation) mine.hidden = true;
  mine.addEventListener('click', () => {
    status.textContent = 'در حال یافتن موقعیت شما…';
    navigator.geolocation.getCurrentPosition((p) => {
      set(p.coords.latitude, p.coords.longitude);
      if (map) map.setView([p.coords.latitude, p.coords.longitude], Math.max(map.getZoom(), 15));
    }, () => {
      status.textContent = 'موقعیت شما در دسترس نیست؛ روی نقشه سنجاق کنید یا نشانی را بنویسید.';
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
  // Leaflet needs the box laid out: start once it is in the page
  requestAnimationFrame(async () => {
    try {
      ({ L, map } = await baseMap(box));
      map.on('click', (ev) => set(ev.latlng.lat, ev.latlng.lng));
      if (point) set(point.lat, point.lon);
      el.dataset.ready = '1';
    } catch {
      box.replaceWith(h('p', { class: 'muted small' }, 'نقشه در دسترس نیست؛ نشانی را بنویسید.'));
    }
  });
  return el;
}

/** A small map showing one message's pin (the message page). */
export function pinView(point, label) {
  const box = mapBox('نقشهٔ محل پیام');
  box.classList.add('small-map');
  requestAnimationFrame(async () => {
    try {
      const { L, map } = await baseMap(box);
      L.marker([point.lat, point.lon], { title: label || 'محل پیام', alt: 'محل پیام', keyboard: false }).addTo(map);
      map.setView([point.lat, point.lon], 15);
      box.dataset.ready = '1';
    } catch {
      box.replaceWith(h('p', { class: 'muted small' }, 'نقشه در دسترس نیست.'));
    }
  });
  return h('div', { class: 'pin-view', 'data-lat': point.lat, 'data-lon': point.lon },
    box, h('p', { class: 'muted small', dir: 'ltr' }, faDigits(`${point.lat.toFixed(5)}, ${point.lon.toFixed(5)}`)));
}

/** A map of messages with points (staff lists): each marker opens a link. */
export function messagesMap(items) {
  const box = mapBox('نقشهٔ پیام‌های فهرست');
  const withPoint = items.filter((m) => m.point);
  requestAnimationFrame(async () => {
    try {
      const { L, map } = await baseMap(box);
      const group = [];
      for (const m of withPoint) {
        const link = h('a', { href: '#/m/' + m.code }, m.subject);
        const mk = L.marker([m.point.lat, m.point.lon], { title: m.subject, alt: m.subject }).addTo(map);
        mk.bindPopup(h('div', { class: 'map-popup' }, link, h('div', {}, stateBadge(m.state), ' ', when(m.created_at, false))));
        group.push([m.point.lat, m.point.lon]);
      }
      if (group.length) map.fitBounds(group, { maxZoom: 15, padding: [20, 20] });
      box.dataset.ready = '1';
    } catch {
      box.replaceWith(h('p', { class: 'muted small' }, 'نقشه در دسترس نیست.'));
    }
  });
  return h('div', { class: 'list-map' }, box,
    h('p', { class: 'muted small' }, `${faDigits(withPoint.length)} پیام از ${faDigits(items.length)} پیام این فهرست محل دارد.`));
}

/**
 * Open messages of category near point (before a citizen sends): fills el
 * with "is this yours? follow it instead" when there are any.
 */
export async function showNearby(el, point, category) {
  if (!point || !category) {
    el.replaceChildren();
    return;
  }
  try {
    const r = await api('GET', '/messages/nearby' + qs({ lat: point.lat, lon: point.lon, category }));
    if (!r.items.length) {
      el.replaceChildren();
      return;
    }
    mount(el, h('section', { class: 'nearby', 'aria-labelledby': 'nearby-title' },
      h('h2', { id: 'nearby-title' }, 'آیا پیام شما همین است؟'),
      h('p', { class: 'muted' }, `این پیام‌های باز از همین موضوع در ${faDigits(r.radius_m)} متری محل شما ثبت شده‌اند. اگر یکی از آن‌ها پیام خود شماست، به‌جای ثبت دوباره آن را پیگیری کنید.`),
      h('ul', { class: 'nearby-list' }, r.items.map((m) => h('li', { 'data-code': m.code },
        h('strong', {}, m.subject), ' ', stateBadge(m.state),
        h('div', { class: 'small muted' }, `${faDigits(m.distance_m)} متر · `, when(m.created_at, false), ' · ',
          h('a', { href: '#/track/' + m.code }, 'پیگیری همین پیام')))))));
  } catch {
    el.replaceChildren();
  }
}
