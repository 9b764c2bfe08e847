// open311_check.mjs KIND FORMAT FILE - check one Open311 answer body.
//
// JSON: validated with ajv (+ ajv-formats) against the Open311 project's
// schemas in $HAMGAN_ROOT/../shared/data/open311-schema, each file registered
// under its own name (they refer to each other that way: "$ref":
// "request.json"); answers the project has no schema for (discovery, errors,
// the POST answer) are checked against the spec's shape here.
// XML: well-formed (fast-xml-parser's XMLValidator), then parsed; the root,
// item and field element names must be the spec's, and required fields there.
// Prints "ok" and exits 0, or prints what is wrong and exits 1.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const [kind, format, file] = process.argv.slice(2);
const root = process.env.HAMGAN_ROOT || '.';
const schemaDir = join(root, '..', 'shared', 'data', 'open311-schema');
const text = readFileSync(file, 'utf8');

function fail(msg) {
	console.log(msg);
	process.exit(1);
}

const requestProps = JSON.parse(readFileSync(join(schemaDir, 'request.json'), 'utf8')).properties;
const serviceProps = JSON.parse(readFileSync(join(schemaDir, 'service.json'), 'utf8')).properties;
const defSchema = JSON.parse(readFileSync(join(schemaDir, 'service-definition.json'), 'utf8'));
const attrProps = defSchema.properties.attributes.items.properties;

// kind -> schema file, XML root, item element, allowed and required fields
const kinds = {
	services: {
		schema: 'services.json', root: 'services', item: 'service',
		fields: Object.keys(serviceProps), required: ['service_code', 'service_name', 'metadata', 'type'],
	},
	requests: {
		schema: 'requests.json', root: 'service_requests', item: 'request',
		fields: [...Object.keys(requestProps), 'extended_attributes'],
		required: ['service_request_id', 'status', 'service_code', 'requested_datetime'],
	},
	'service-definition': {
		schema: 'service-definition.json', root: 'service_definition', item: null,
		fields: ['service_code', 'attributes'], required: ['service_code'],
	},
	posted: {
		schema: null, root: 'service_requests', item: 'request',
		fields: ['service_request_id', 'service_notice', 'account_id', 'token'],
		required: ['service_request_id'],
	},
	errors: {
		schema: null, root: 'errors', item: 'error',
		fields: ['code', 'description'], required: ['code', 'description'],
	},
	discovery: {
		schema: null, root: 'discovery', item: null,
		fields: ['changeset', 'contact', 'key_service', 'endpoints'],
		required: ['changeset', 'contact', 'key_service', 'endpoints'],
	},
};
const k = kinds[kind];
if (!k) fail(`unknown kind ${kind}`);

function checkFields(obj, where, fields, required) {
	if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail(`${where} is not an element with children`);
	for (const name of Object.keys(obj)) {
		if (!fields.includes(name)) fail(`${where}: unexpected element/member '${name}'`);
	}
	for (const name of required) {
		if (!(name in obj)) fail(`${where}: missing '${name}'`);
	}
}

if (format === 'json') {
	let doc;
	try {
		doc = JSON.parse(text);
	} catch (e) {
		fail(`not JSON: ${e.message}`);
	}
	if (k.schema) {
		const ajv = new Ajv({ allErrors: true, strict: false });
		addFormats(ajv);
		for (const f of readdirSync(schemaDir).filter((n) => n.endsWith('.json') && n !== 'swagger.json')) {
			ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')), f);
		}
		const validate = ajv.getSchema(k.schema);
		if (!validate(doc)) fail(`${k.schema}: ${ajv.errorsText(validate.errors)}`);
	}
	const items = k.item ? doc : [doc];
	if (!Array.isArray(items)) fail('the answer is not a list');
	items.forEach((it, i) => checkFields(it, `${kind}[${i}]`, k.fields, k.required));
	if (kind === 'errors') {
		if (items.length < 1) fail('an empty error list');
		for (const e of items) {
			if (!Number.isInteger(e.code) || typeof e.description !== 'string' || !e.description) fail('error code/description types');
		}
	}
	if (kind === 'posted') {
		for (const r of items) if (!/^[0-9]{10}$/.test(r.service_request_id)) fail('service_request_id is not a tracking code');
	}
	if (kind === 'discovery') {
		for (const ep of doc.endpoints) {
			checkFields(ep, 'endpoint', ['specification', 'url', 'changeset', 'type', 'formats'], ['specification', 'url', 'type', 'formats']);
			if (!ep.formats.includes('application/json') || !ep.formats.includes('text/xml')) fail('formats');
		}
	}
} else if (format === 'xml') {
	if (!/^<\?xml version="1\.0" encoding="utf-8"\?>/.test(text)) fail('no <?xml version="1.0" encoding="utf-8"?> declaration');
	const v = XMLValidator.validate(text);
	if (v !== true) fail(`not well-formed: ${JSON.stringify(v.err)}`);
	const listItems = ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format', 'entry'];
	const parser = new XMLParser({ parseTagValue: false, isArray: (name) => listItems.includes(name) });
	const doc = parser.parse(text);
	const names = Object.keys(doc).filter((n) => n !== '?xml');
	if (names.length !== 1 || names[0] !== k.root) fail(`root element is ${names.join(',')}, not ${k.root}`);
	const top = doc[k.root] === '' ? {} : doc[k.root];
	if (k.item) {
		checkFields(top, k.root, [k.item], []);
		(top[k.item] || []).forEach((it, i) => checkFields(it, `${k.item}[${i}]`, k.fields, k.required));
	} else {
		checkFields(top, k.root, k.fields, k.required);
	}
	if (kind === 'service-definition') {
		const attrs = top.attributes === '' ? {} : top.attributes;
		checkFields(attrs, 'attributes', ['attribute'], []);
		for (const a of attrs.attribute || []) {
			checkFields(a, 'attribute', Object.keys(attrProps), ['variable', 'code', 'datatype', 'required']);
			if (a.values) {
				checkFields(a.values, 'values', ['value'], []);
				for (const val of a.values.value) checkFields(val, 'value', ['key', 'name'], ['key', 'name']);
			}
		}
	}
	if (kind === 'discovery') {
		for (const ep of top.endpoints.endpoint) {
			checkFields(ep, 'endpoint', ['specification', 'url', 'changeset', 'type', 'formats'], ['specification', 'url', 'type', 'formats']);
			if (!ep.formats.format.includes('text/xml')) fail('formats');
		}
	}
	if (kind === 'requests') {
		for (const r of top.request || []) {
			if (!['open', 'closed'].includes(r.status)) fail(`status ${r.status}`);
			if (r.extended_attributes) {
				checkFields(r.extended_attributes, 'extended_attributes', ['channel', 'state', 'timeline', 'citizen_verdict'], ['timeline', 'citizen_verdict']);
				for (const e of r.extended_attributes.timeline.entry || []) checkFields(e, 'entry', ['event', 'at'], ['event', 'at']);
			}
		}
	}
} else {
	fail(`unknown format ${format}`);
}
console.log('ok');
