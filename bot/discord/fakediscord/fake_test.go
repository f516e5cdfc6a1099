package fakediscord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"steady/bot/discord/fakediscord"
	"steady/scheduler"
)

// rewrite sends discordgo's https://discord.com/api/v9 requests to the fake.
type rewrite struct{ base *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.base.Scheme, r.base.Host
	return http.DefaultTransport.RoundTrip(req)
}

func start(t *testing.T, opt fakediscord.Options) *fakediscord.Server {
	t.Helper()
	fake, err := fakediscord.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	return fake
}

func session(t *testing.T, fake *fakediscord.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + fake.Token())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(fake.URL)
	s.Client = &http.Client{Transport: rewrite{base}}
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.Identify.Intents = discordgo.IntentsDirectMessages | discordgo.IntentsGuilds
	return s
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func restErr(t *testing.T, err error) *discordgo.RESTError {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("want a REST error, got %v", err)
	}
	return re
}

func button(label, id string) discordgo.MessageComponent {
	return discordgo.Button{Label: label, CustomID: id, Style: discordgo.PrimaryButton}
}

// sixButtons is one more than an action row may hold.
func sixButtons() []discordgo.MessageComponent {
	six := make([]discordgo.MessageComponent, 6)
	for i := range six {
		six[i] = button("b", string(rune('a'+i)))
	}
	return six
}

func TestValidRequestsPassAndResponsesMatchTheSpec(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	user := fake.AddUser("ana")
	staff := fake.AddChannel("staff")

	dm, err := s.UserChannelCreate(user)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.ChannelMessageSendComplex(dm.ID, &discordgo.MessageSend{
		Content:    "How well did you sleep?",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{button("1", "a"), button("2", "b")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := fake.DMsTo(user); len(got) != 1 || got[0].ID != m.ID || len(got[0].Buttons()) != 2 {
		t.Fatalf("DMs to user = %+v", got)
	}
	if _, err := s.ChannelMessageSendComplex(staff, &discordgo.MessageSend{
		Content: "chart", Files: []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: bytes.NewReader([]byte("\x89PNG..."))}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ThreadStart(staff, "huddle", discordgo.ChannelTypeGuildPublicThread, 1440); err != nil {
		t.Fatal(err)
	}
	perm := int64(discordgo.PermissionManageMessages)
	if _, err := s.ApplicationCommandBulkOverwrite(fake.AppID, fake.GuildID, []*discordgo.ApplicationCommand{{
		Name: "enrol", Description: "Enrol a client", DefaultMemberPermissions: &perm,
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionUser, Name: "user", Description: "who", Required: true}},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.User("@me"); err != nil {
		t.Fatal(err)
	}
	if bad := fake.Invalid(); len(bad) > 0 {
		t.Fatalf("invalid exchanges: %+v", bad)
	}
	var files int
	for _, e := range fake.Traffic() {
		files += e.Files
	}
	if files != 1 {
		t.Fatalf("recorded %d uploaded files, want 1", files)
	}
}

func TestInvalidBodiesGetDiscords400(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	ch := fake.AddChannel("staff")
	six := sixButtons()
	tests := []struct {
		name    string
		send    *discordgo.MessageSend
		problem string
	}{
		{"six buttons in one row (the spec)", &discordgo.MessageSend{Content: "x",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: six}}}, "components"},
		{"a button with neither custom_id nor url (hand check)", &discordgo.MessageSend{Content: "x",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "?", Style: discordgo.PrimaryButton}}}}},
			"a button needs a custom_id or a url"},
		{"a link button without a url (hand check)", &discordgo.MessageSend{Content: "x",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "?", Style: discordgo.LinkButton, CustomID: "x"}}}}},
			"a link button needs a url"},
		{"content over 2000 characters (the spec)", &discordgo.MessageSend{Content: strings.Repeat("a", 2001)}, "content"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fake.Invalid())
			_, err := s.ChannelMessageSendComplex(ch, tc.send)
			re := restErr(t, err)
			if re.Response.StatusCode != 400 || re.Message == nil || re.Message.Code != 50035 {
				t.Fatalf("got %d %+v, want 400 with code 50035", re.Response.StatusCode, re.Message)
			}
			bad := fake.Invalid()
			if len(bad) != before+1 {
				t.Fatalf("invalid exchanges = %d, want %d", len(bad), before+1)
			}
			if got := strings.Join(bad[len(bad)-1].Problems, "\n"); !strings.Contains(got, tc.problem) {
				t.Fatalf("problems %q do not mention %q", got, tc.problem)
			}
		})
	}
	if n := len(fake.Messages(ch)); n != 0 {
		t.Fatalf("%d invalid messages were posted", n)
	}
}

func TestSixButtonsAreRejectedByTheSpecNotTheHandChecks(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	ch := fake.AddChannel("staff")
	six := sixButtons()
	_, err := s.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: six}}})
	restErr(t, err)
	for _, p := range fake.Invalid()[0].Problems {
		if strings.Contains(p, "action rows") || strings.Contains(p, "needs a") {
			t.Fatalf("a hand-written check fired: %s", p)
		}
	}
}

func TestClosedDMsAnswer50007(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	user := fake.AddUser("ben")
	fake.CloseDMs(user)
	dm, err := s.UserChannelCreate(user)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ChannelMessageSend(dm.ID, "hello")
	if re := restErr(t, err); re.Response.StatusCode != 403 || re.Message.Code != discordgo.ErrCodeCannotSendMessagesToThisUser {
		t.Fatalf("got %d %+v", re.Response.StatusCode, re.Message)
	}
}

func TestRateLimitsAnswerRealistic429s(t *testing.T) {
	clock := scheduler.NewFakeClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	fake := start(t, fakediscord.Options{Clock: clock, GlobalLimit: 50})
	ch := fake.AddChannel("staff")
	call := func(method, path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, fake.URL+"/api/v10"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bot "+fake.Token())
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if resp.StatusCode == 429 && (v["retry_after"] == nil || v["global"] == nil) {
			t.Fatalf("429 body %v lacks retry_after/global", v)
		}
		return resp
	}
	for i := 0; i < 5; i++ {
		if r := call("POST", "/channels/"+ch+"/messages", `{"content":"ping"}`); r.StatusCode != 200 {
			t.Fatalf("message %d: %d", i, r.StatusCode)
		}
	}
	r := call("POST", "/channels/"+ch+"/messages", `{"content":"one too many"}`)
	if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" || r.Header.Get("X-RateLimit-Global") != "" || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("per-route: got %d %v", r.StatusCode, r.Header)
	}
	clock.Advance(5 * time.Second)
	if r := call("POST", "/channels/"+ch+"/messages", `{"content":"after the reset"}`); r.StatusCode != 200 {
		t.Fatalf("after the bucket reset: %d", r.StatusCode)
	}
	// The global limit: 50 in any second across routes (one spent above).
	for i := 1; i < 50; i++ {
		if r := call("GET", "/users/@me", ""); r.StatusCode != 200 {
			t.Fatalf("request %d of 50: %d", i+1, r.StatusCode)
		}
	}
	r = call("GET", "/users/@me", "")
	if r.StatusCode != 429 || r.Header.Get("X-RateLimit-Global") != "true" || r.Header.Get("X-RateLimit-Scope") != "global" {
		t.Fatalf("51st request in a second: %d %v", r.StatusCode, r.Header)
	}
	clock.Advance(time.Second)
	if r := call("GET", "/users/@me", ""); r.StatusCode != 200 {
		t.Fatalf("a second later: %d", r.StatusCode)
	}
	if bad := fake.Invalid(); len(bad) > 0 {
		t.Fatalf("invalid exchanges (429 bodies must match the spec): %+v", bad)
	}
}

func TestGatewayIdentifyInteractionsAndResume(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	ctx := ctxT(t)
	user := fake.AddUser("cat")
	dms := make(chan *discordgo.MessageCreate, 8)
	inters := make(chan *discordgo.InteractionCreate, 8)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { dms <- m })
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { inters <- i })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	fake.UserSendsDM(user, "hello")
	select {
	case m := <-dms:
		if m.Content != "hello" || m.Author.ID != user || m.GuildID != "" {
			t.Fatalf("MESSAGE_CREATE = %+v", m.Message)
		}
	case <-ctx.Done():
		t.Fatal("no MESSAGE_CREATE")
	}

	dm, _ := s.UserChannelCreate(user)
	sent, err := s.ChannelMessageSendComplex(dm.ID, &discordgo.MessageSend{Content: "pick",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{button("yes", "y")}}}})
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := fake.Message(sent.ID)
	id := fake.Click(user, msg, "y")
	var in *discordgo.InteractionCreate
	select {
	case in = <-inters:
	case <-ctx.Done():
		t.Fatal("no INTERACTION_CREATE")
	}
	if in.MessageComponentData().CustomID != "y" || in.User == nil || in.User.ID != user {
		t.Fatalf("interaction = %+v", in.Interaction)
	}
	if err := s.InteractionRespond(in.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "picked yes", Components: []discordgo.MessageComponent{}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := fake.Message(sent.ID); got.Content != "picked yes" || len(got.Buttons()) != 0 {
		t.Fatalf("message after update = %+v", got)
	}
	if fake.Interaction(id).ResponseType() != 7 {
		t.Fatal("the callback was not recorded")
	}
	err = s.InteractionRespond(in.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
	if re := restErr(t, err); re.Message.Code != 40060 {
		t.Fatalf("second callback: %+v", re.Message)
	}

	// Cut the connection; a DM sent meanwhile arrives after the resume.
	fake.DropGateway()
	fake.UserSendsDM(user, "while you were away")
	select {
	case m := <-dms:
		if m.Content != "while you were away" {
			t.Fatalf("replayed %q", m.Content)
		}
	case <-ctx.Done():
		t.Fatal("the missed DM was not replayed")
	}
	if err := fake.Await(ctx, func() bool { ready, _, resumes := fake.GatewayState(); return ready && resumes == 1 }); err != nil {
		t.Fatal(err)
	}
	if _, identifies, _ := fake.GatewayState(); identifies != 1 {
		t.Fatalf("identifies = %d; a resume must not identify again", identifies)
	}
	if bad := fake.Invalid(); len(bad) > 0 {
		t.Fatalf("invalid exchanges: %+v", bad)
	}
}

func TestInteractionCallbackChecks(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	ctx := ctxT(t)
	user := fake.AddUser("dee")
	inters := make(chan *discordgo.InteractionCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { inters <- i })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.ApplicationCommandBulkOverwrite(fake.AppID, fake.GuildID, []*discordgo.ApplicationCommand{{Name: "help", Description: "Help"}}); err != nil {
		t.Fatal(err)
	}
	ch := fake.AddChannel("general")
	if _, err := fake.Command(user, ch, "help", nil); err != nil {
		t.Fatal(err)
	}
	var in *discordgo.InteractionCreate
	select {
	case in = <-inters:
	case <-ctx.Done():
		t.Fatal("no interaction")
	}
	err := s.InteractionRespond(in.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: strings.Repeat("x", 2001)}})
	if re := restErr(t, err); re.Message.Code != 50035 {
		t.Fatalf("over-long interaction content: %+v", re.Message)
	}
}

// Messages can be listed (newest first, before a snowflake) and deleted, as
// on Discord; a DM someone else wrote is not the bot's to delete.
func TestListAndDeleteMessages(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	user := fake.AddUser("ana")
	dm, err := s.UserChannelCreate(user)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, text := range []string{"one", "two", "three"} {
		m, err := s.ChannelMessageSend(dm.ID, text)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	theirs := fake.UserPosts(user, dm.ID, "hello")
	page, err := s.ChannelMessages(dm.ID, 2, "", "", "")
	if err != nil || len(page) != 2 || page[0].ID != theirs || page[1].ID != ids[2] {
		t.Fatalf("newest page = %+v, %v", page, err)
	}
	page, err = s.ChannelMessages(dm.ID, 100, ids[2], "", "")
	if err != nil || len(page) != 2 || page[0].ID != ids[1] || page[1].ID != ids[0] {
		t.Fatalf("page before %s = %+v, %v", ids[2], page, err)
	}
	if err := s.ChannelMessageDelete(dm.ID, ids[1]); err != nil {
		t.Fatal(err)
	}
	if got := fake.DMsTo(user); len(got) != 2 || got[0].ID != ids[0] || got[1].ID != ids[2] {
		t.Fatalf("DMs after a deletion = %+v", got)
	}
	if d := fake.Deleted(); len(d) != 1 || d[0].Content != "two" {
		t.Fatalf("deleted = %+v", d)
	}
	if re := restErr(t, s.ChannelMessageDelete(dm.ID, ids[1])); re.Message.Code != discordgo.ErrCodeUnknownMessage {
		t.Fatalf("deleting twice: %+v", re.Message)
	}
	if re := restErr(t, s.ChannelMessageDelete(dm.ID, theirs)); re.Response.StatusCode != http.StatusForbidden {
		t.Fatalf("deleting the user's own DM: %+v", re.Message)
	}
	if bad := fake.Invalid(); len(bad) > 0 {
		t.Fatalf("invalid exchanges: %+v", bad)
	}
}

// A held request waits, checked but not acted on, until released.
func TestHoldNextKeepsARequestInFlight(t *testing.T) {
	fake := start(t, fakediscord.Options{})
	s := session(t, fake)
	ch := fake.AddChannel("staff")
	held, release := fake.HoldNext(http.MethodPost, "/channels/{channel_id}/messages", "")
	done := make(chan error, 1)
	go func() { _, err := s.ChannelMessageSend(ch, "slow"); done <- err }()
	<-held
	if n := len(fake.Messages(ch)); n != 0 {
		t.Fatalf("%d messages while the post is held", n)
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Messages(ch)); n != 1 {
		t.Fatalf("%d messages after release", n)
	}
}
