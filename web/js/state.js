// state.js - what the pages share: who is signed in, and the units and
// categories (fetched once per sign-in and kept).

import { api } from './api.js';

export const session = {
  user: null, // {id, username, name, role, unit_id, ...} or null for a citizen
  reports: false, // the server has /api/v1/reports
  cityManager: false, // a manager of the root unit (the mayor): the evaluation
};

let unitsP = null;
let catsP = null;

export function resetCaches() {
  unitsP = null;
  catsP = null;
}

/** All units (signed-in users only): [{id, code, name, kind, parent_id, active}]. */
export function units() {
  if (!unitsP) {
    unitsP = api('GET', '/units').then((r) => r.items).catch((e) => {
      unitsP = null;
      throw e;
    });
  }
  return unitsP;
}

/** Categories (public). */
export function categories() {
  if (!catsP) {
    catsP = api('GET', '/categories').then((r) => r.items).catch((e) => {
      catsP = null;
      throw e;
    });
  }
  return catsP;
}

export async function unitName(id) {
  if (!id) return '—';
  try {
    const u = (await units()).find((x) => x.id === id);
    return u ? u.name : '—';
  } catch {
    return '—';
  }
}

/** Map id -> unit. */
export async function unitMap() {
  const m = new Map();
  for (const u of await units()) m.set(u.id, u);
  return m;
}

/** Units in the subtree of root (root included). */
export function subtree(all, rootId) {
  const kids = new Map();
  for (const u of all) {
    if (!kids.has(u.parent_id)) kids.set(u.parent_id, []);
    kids.get(u.parent_id).push(u);
  }
  const out = [];
  const root = all.find((u) => u.id === rootId);
  if (!root) return out;
  const stack = [root];
  while (stack.length) {
    const u = stack.pop();
    out.push(u);
    for (const k of kids.get(u.id) || []) stack.push(k);
  }
  return out;
}

/** Units as <option> pairs, indented by depth, in tree order. */
export function unitOptions(all, filter = () => true) {
  const kids = new Map();
  for (const u of all) {
    if (!kids.has(u.parent_id || 0)) kids.set(u.parent_id || 0, []);
    kids.get(u.parent_id || 0).push(u);
  }
  const ids = new Set(all.map((u) => u.id));
  const out = [];
  const walk = (u, depth) => {
    if (u.active !== false && filter(u)) out.push([u.code, '\u2003'.repeat(depth) + u.name]);
    for (const k of kids.get(u.id) || []) walk(k, depth + 1);
  };
  for (const u of all) if (!u.parent_id || !ids.has(u.parent_id)) walk(u, 0);
  return out;
}

/**
 * Categories a message may be filed under (active leaves) that take the
 * kind ("all" or a |-list of kinds).
 */
export function categoriesFor(all, kind) {
  const parents = new Set(all.map((c) => c.parent_id).filter(Boolean));
  return all.filter((c) => c.active !== false && !parents.has(c.id) &&
    (!kind || c.kinds === 'all' || c.kinds.split('|').includes(kind)));
}

/**
 * <option>s and <optgroup>s (one per parent) for the leaves of categoriesFor:
 * [[label, [[code, name], ...]], ...]; label '' for leaves at the top.
 */
export function categoryGroups(all, kind) {
  const byId = new Map(all.map((c) => [c.id, c]));
  const groups = new Map();
  for (const c of categoriesFor(all, kind)) {
    const p = c.parent_id && byId.get(c.parent_id);
    const label = p ? p.name : '';
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push([c.code, c.name]);
  }
  return [...groups.entries()];
}

export function role() {
  return session.user ? session.user.role : 'citizen';
}

export function hasRole(...roles) {
  return roles.includes(role());
}
