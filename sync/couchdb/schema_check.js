/*
 * The structure check shared by the validate_doc_update functions (ES5; ddocs.ts pastes
 * it into each, since a validation function cannot load code). It checks a value
 * against the JSON Schema that zod generates from sync/schema (z.toJSONSchema), the
 * subset zod emits for Tongxin's schemas: type, const, enum, string length and pattern,
 * number range, array length and items, object properties, required and
 * additionalProperties (false for every document: a closed set of fields), anyOf/oneOf
 * and allOf. It returns the problems in words, an empty list when there are none.
 */
function (schema, value, name) {
  var errors = [];
  var own = Object.prototype.hasOwnProperty;
  function typeOf(v) {
    if (v === null) return 'null';
    if (Object.prototype.toString.call(v) === '[object Array]') return 'array';
    if (typeof v === 'number') return v % 1 === 0 ? 'integer' : 'number';
    return typeof v;
  }
  function typeMatches(want, v) {
    var got = typeOf(v);
    if (typeOf(want) === 'array') {
      for (var i = 0; i < want.length; i++) if (typeMatches(want[i], v)) return true;
      return false;
    }
    return got === want || (want === 'number' && got === 'integer');
  }
  function check(s, v, path) {
    var i, k, before;
    if (s.allOf) for (i = 0; i < s.allOf.length; i++) check(s.allOf[i], v, path);
    if (s.anyOf || s.oneOf) {
      var options = s.anyOf || s.oneOf;
      for (i = 0; i < options.length; i++) {
        before = errors.length;
        check(options[i], v, path);
        if (errors.length === before) return;
        errors.length = before;
      }
      errors.push(path + ': matches none of the allowed shapes');
      return;
    }
    if (s.type !== undefined && !typeMatches(s.type, v)) {
      errors.push(path + ': expected ' + s.type + ', got ' + typeOf(v));
      return;
    }
    if (s['const'] !== undefined && v !== s['const']) errors.push(path + ': must be ' + s['const']);
    if (s['enum'] && s['enum'].indexOf(v) === -1) errors.push(path + ': not one of ' + s['enum'].join(', '));
    if (typeof v === 'string') {
      if (s.minLength !== undefined && v.length < s.minLength) errors.push(path + ': too short');
      if (s.maxLength !== undefined && v.length > s.maxLength) errors.push(path + ': too long');
      if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) errors.push(path + ': wrong format');
    }
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < s.minimum) errors.push(path + ': below ' + s.minimum);
      if (s.maximum !== undefined && v > s.maximum) errors.push(path + ': above ' + s.maximum);
    }
    if (typeOf(v) === 'array') {
      if (s.minItems !== undefined && v.length < s.minItems) errors.push(path + ': too few items');
      if (s.maxItems !== undefined && v.length > s.maxItems) errors.push(path + ': too many items');
      if (s.items) for (i = 0; i < v.length; i++) check(s.items, v[i], path + '[' + i + ']');
    }
    if (typeOf(v) === 'object') {
      var props = s.properties || {};
      if (s.required) for (i = 0; i < s.required.length; i++) if (!own.call(v, s.required[i]) || v[s.required[i]] === undefined) errors.push(path + '.' + s.required[i] + ': required');
      for (k in props) if (own.call(props, k) && own.call(v, k) && v[k] !== undefined) check(props[k], v[k], path + '.' + k);
      for (k in v) {
        if (!own.call(v, k) || own.call(props, k)) continue;
        if (s.additionalProperties === false) errors.push(path + '.' + k + ': not a field of this document');
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') check(s.additionalProperties, v[k], path + '.' + k);
      }
    }
  }
  check(schema, value, name);
  return errors;
}
