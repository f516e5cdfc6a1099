package fakediscord

import (
	"bytes"
	"context"
	"net/http"
	"testing"
)

func BenchmarkValidateMessageCreate(b *testing.B) {
	spec, err := LoadSpec()
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"content":"How are you?","components":[{"type":1,"components":[{"type":2,"style":2,"label":"1","custom_id":"a"},{"type":2,"style":2,"label":"2","custom_id":"b"}]}],"nonce":"abc","enforce_nonce":true}`)
	for i := 0; i < b.N; i++ {
		r, _ := http.NewRequest("POST", "http://x/api/v9/channels/123/messages", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		req, _ := specRequest(r, body, nil)
		route, params, err := spec.route(req)
		if err != nil {
			b.Fatal(err)
		}
		body := normalise(map[string]any{"content": "How are you?", "nonce": "abc", "enforce_nonce": true, "components": []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 2, "style": 2, "label": "1", "custom_id": "a"}}}}})
		if err := spec.validateRequest(context.Background(), req, route, params, body); err != nil {
			b.Fatal(err)
		}
	}
}
