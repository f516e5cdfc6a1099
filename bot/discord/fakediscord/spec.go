package fakediscord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SpecEnv overrides where the spec is found.
const SpecEnv = "STEADY_DISCORD_SPEC"

// specRelPath is where the spec lives relative to the directory holding the
// repository (shared/ sits beside the clone).
const specRelPath = "shared/discord-api/openapi.json"

// specBase is the server the spec's paths hang from; requests are mapped onto
// it whatever host and API version (discordgo speaks v9) they came in on.
const specBase = "https://discord.com/api/v10"

// Spec is Discord's OpenAPI document, loaded once per process.
//
// kin-openapi finds each request's operation and checks its parameters and
// headers. Bodies are checked against the same schemas, compiled once each
// with the JSON Schema 2020-12 validator kin-openapi itself uses
// (santhosh-tekuri/jsonschema): kin-openapi compiles the schema afresh for
// every body, about 15 ms a request here, which would make the fake, not
// the bot, the bottleneck of a 50-requests-a-second benchmark.
type Spec struct {
	doc    *openapi3.T
	router routers.Router

	compiler *jsonschema.Compiler
	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema // JSON pointer → schema
}

// specURL names the spec document inside the schema compiler.
const specURL = "https://discord.com/openapi.json"

var (
	specOnce sync.Once
	specVal  *Spec
	specErr  error
)

// LoadSpec finds and loads the spec: $STEADY_DISCORD_SPEC, or
// shared/discord-api/openapi.json in the working directory or any parent, or
// the copy in this package's testdata.
func LoadSpec() (*Spec, error) {
	specOnce.Do(func() {
		path, err := findSpec()
		if err != nil {
			specErr = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			specErr = fmt.Errorf("fakediscord: load %s: %w", path, err)
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			specErr = fmt.Errorf("fakediscord: route %s: %w", path, err)
			return
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			specErr = fmt.Errorf("fakediscord: read %s: %w", path, err)
			return
		}
		whole, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			specErr = fmt.Errorf("fakediscord: parse %s: %w", path, err)
			return
		}
		compiler := jsonschema.NewCompiler()
		compiler.DefaultDraft(jsonschema.Draft2020)
		if err := compiler.AddResource(specURL, whole); err != nil {
			specErr = fmt.Errorf("fakediscord: %s: %w", path, err)
			return
		}
		specVal = &Spec{doc: doc, router: router, compiler: compiler, compiled: map[string]*jsonschema.Schema{}}
	})
	return specVal, specErr
}

func findSpec() (string, error) {
	if p := os.Getenv(SpecEnv); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("fakediscord: find spec: %w", err)
	}
	for {
		p := filepath.Join(dir, specRelPath)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	// A clone with no shared/ beside it (a newcomer's machine) uses the copy
	// kept with this package: the same spec, MIT licensed, README beside it.
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "testdata", "discord-api", "openapi.json")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("fakediscord: %s not found in any parent of the working directory, nor beside this package; set %s", specRelPath, SpecEnv)
}

func init() {
	// Discord takes a message's JSON in the "payload_json" part and its files
	// as "files[n]" parts; the spec describes the merged object. The decoder is
	// registered process-wide, which is fine: only this fake validates.
	openapi3filter.RegisterBodyDecoder("multipart/form-data", decodeMultipart)
}

// decodeMultipart merges payload_json with the file parts (as strings, which
// is what the spec's "contentEncoding: binary" properties accept).
func decodeMultipart(body io.Reader, h http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	obj, _, err := mergeMultipart(body, h.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// upload is one file of a multipart request.
type upload struct {
	Field, Filename, ContentType string
	Size                         int
}

func mergeMultipart(body io.Reader, contentType string) (map[string]any, []upload, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, nil, fmt.Errorf("multipart: %w", err)
	}
	obj := map[string]any{}
	var files []upload
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("multipart: %w", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, fmt.Errorf("multipart: %w", err)
		}
		name := part.FormName()
		if name == "payload_json" {
			var payload map[string]any
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(&payload); err != nil {
				return nil, nil, fmt.Errorf("multipart: payload_json: %w", err)
			}
			for k, v := range payload {
				obj[k] = v
			}
			continue
		}
		if part.FileName() != "" {
			files = append(files, upload{Field: name, Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"), Size: len(data)})
		}
		obj[name] = string(data)
	}
	return obj, files, nil
}

// specRequest builds the request the spec would see: discord.com, API v10,
// and a JSON body (multipart already merged, quirks normalised).
func specRequest(r *http.Request, body []byte, jsonBody any) (*http.Request, error) {
	path := r.URL.Path
	for _, v := range []string{"/api/v9", "/api/v10"} {
		if strings.HasPrefix(path, v+"/") {
			path = strings.TrimPrefix(path, v)
			break
		}
	}
	u, err := url.Parse(specBase + path)
	if err != nil {
		return nil, err
	}
	u.RawQuery = r.URL.RawQuery
	var rd io.Reader = bytes.NewReader(body)
	ct := r.Header.Get("Content-Type")
	if jsonBody != nil {
		b, err := json.Marshal(jsonBody)
		if err != nil {
			return nil, err
		}
		rd, ct = bytes.NewReader(b), "application/json"
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			// Validate against the multipart schema (files included) using the
			// merged object: re-encode it as a one-part form the decoder reads back.
			rd, ct, err = encodeMerged(jsonBody)
			if err != nil {
				return nil, err
			}
		}
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return req, nil
}

// encodeMerged writes a merged multipart object back as payload_json plus
// file fields, so the registered decoder reproduces it exactly.
func encodeMerged(v any) (io.Reader, string, error) {
	obj, _ := v.(map[string]any)
	payload := map[string]any{}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, val := range obj {
		if strings.HasPrefix(k, "files[") {
			s, _ := val.(string)
			if err := w.WriteField(k, s); err != nil {
				return nil, "", err
			}
			continue
		}
		payload[k] = val
	}
	pj, err := json.Marshal(payload)
	if err != nil {
		return nil, "", err
	}
	if err := w.WriteField("payload_json", string(pj)); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return &buf, w.FormDataContentType(), nil
}

// route finds the spec operation for a request.
func (s *Spec) route(req *http.Request) (*routers.Route, map[string]string, error) {
	return s.router.FindRoute(req)
}

// validateRequest checks a request against its operation.
func (s *Spec) validateRequest(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, body any) error {
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, // the fake checks tokens itself
			MultiError:         true,
			ExcludeRequestBody: true, // checked below with a compiled schema
		},
	}
	var errs []error
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		errs = append(errs, err)
	}
	if err := s.validateBody(route, req, body); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// validateBody checks a request body (nil: none was sent) against the
// operation's schema for its content type.
func (s *Spec) validateBody(route *routers.Route, req *http.Request, body any) error {
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		if body != nil {
			return errors.New("request body: this operation takes none")
		}
		return nil
	}
	if body == nil {
		if rb.Value.Required {
			return errors.New("request body: required")
		}
		return nil
	}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if rb.Value.Content.Get(ct) == nil {
		return fmt.Errorf("request body: content type %q is not accepted", ct)
	}
	ptr := "/paths/" + escapePointer(route.Path) + "/" + strings.ToLower(req.Method) + "/requestBody"
	if rb.Ref != "" {
		ptr = strings.TrimPrefix(rb.Ref, "#")
	}
	return s.check(ptr+"/content/"+escapePointer(ct)+"/schema", body, "request body")
}

// check validates a JSON value against the schema at a pointer into the spec.
func (s *Spec) check(ptr string, v any, what string) error {
	s.mu.Lock() // the compiler is not safe for concurrent use; compiling is once per pointer
	sch, ok := s.compiled[ptr]
	if !ok {
		var err error
		sch, err = s.compiler.Compile(specURL + "#" + fragmentEscape(ptr))
		if err != nil {
			s.mu.Unlock()
			return fmt.Errorf("fakediscord: compile %s: %w", ptr, err)
		}
		s.compiled[ptr] = sch
	}
	s.mu.Unlock()
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%s doesn't match the schema: %w", what, err)
	}
	return nil
}

// escapePointer escapes one JSON-pointer token.
func escapePointer(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// fragmentEscape makes a JSON pointer safe in a URL fragment.
func fragmentEscape(ptr string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D", "@", "%40").Replace(ptr)
}

// validateResponse checks one of the fake's own responses against the spec.
func (s *Spec) validateResponse(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, status int, h http.Header, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: true},
	}
	var errs []error
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		errs = append(errs, err)
	}
	if len(body) > 0 {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("response body is not JSON: %w", err)
		}
		if ptr, ok := s.responsePointer(route, status); ok {
			if err := s.check(ptr+"/content/application~1json/schema", v, "response body"); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// responsePointer finds where an operation's response for a status lives:
// the exact code, else its range ("4XX"), else "default".
func (s *Spec) responsePointer(route *routers.Route, status int) (string, bool) {
	base := "/paths/" + escapePointer(route.Path) + "/" + strings.ToLower(route.Method) + "/responses/"
	code := strconv.Itoa(status)
	for _, key := range []string{code, code[:1] + "XX", "default"} {
		ref := route.Operation.Responses.Value(key)
		if ref == nil {
			continue
		}
		if ref.Ref != "" {
			return strings.TrimPrefix(ref.Ref, "#"), true
		}
		return base + key, true
	}
	return "", false
}
