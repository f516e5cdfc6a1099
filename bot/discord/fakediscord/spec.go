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
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
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
type Spec struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	specOnce sync.Once
	specVal  *Spec
	specErr  error
)

// LoadSpec finds and loads the spec: $STEADY_DISCORD_SPEC, or
// shared/discord-api/openapi.json in the working directory or any parent.
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
		specVal = &Spec{doc: doc, router: router}
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
			return "", fmt.Errorf("fakediscord: %s not found in any parent of the working directory; set %s", specRelPath, SpecEnv)
		}
		dir = parent
	}
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
func (s *Spec) validateRequest(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string) error {
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, // the fake checks tokens itself
			MultiError:         true,
		},
	}
	return openapi3filter.ValidateRequest(ctx, in)
}

// validateResponse checks one of the fake's own responses against the spec.
func (s *Spec) validateResponse(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, status int, h http.Header, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	return openapi3filter.ValidateResponse(ctx, in)
}
