// Command fakediscord runs the fake Discord as its own process, for the chaos
// harness (bench/chaos): killing the bot's processes must not take Discord's
// record of what was sent with them. It prints one JSON line with its
// addresses and ids, then serves a control API on a second loopback port:
//
//	POST /users?n=N          add N users (the clients); answers their ids
//	POST /down?on=true|false start or end an outage (503s, no gateway)
//	GET  /dms                every DM the bot sent, by user id
//	POST /click?user=U&message=M&custom_id=C         a user presses a button
//	POST /choose?user=U&message=M&custom_id=C&value=V a user picks from a menu
//	POST /dm?user=U&text=T   a user DMs the bot
//	GET  /stats              requests answered, by status
//
// It is test support, like the package it runs.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	"steady/bot/discord/fakediscord"
)

// Setup is the line the fake prints when it is ready.
type Setup struct {
	URL, Token, Control        string
	Guild, StaffRole, LeadRole string
	StaffChannel, PeerChannel  string
	Worker, Lead               string
}

// DM is one message the bot sent a user, with its choices.
type DM struct {
	ID, Content string
	Buttons     []Choice `json:",omitempty"`
	Menu        string   `json:",omitempty"` // a select menu's custom id
	Options     []string `json:",omitempty"` // its values
}

// Choice is a button.
type Choice struct{ Label, CustomID string }

func main() {
	flag.Parse()
	fake, err := fakediscord.Start(fakediscord.Options{SkipResponseChecks: true})
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	staffRole, leadRole := fake.AddRole(), fake.AddRole()
	staffCat := fake.AddCategory("staff")
	setup := Setup{URL: fake.URL, Token: fake.Token(), Guild: fake.GuildID, StaffRole: staffRole, LeadRole: leadRole,
		StaffChannel: fake.AddChannelIn("staff", staffCat), PeerChannel: fake.AddChannel("peer-support"),
		Worker: fake.AddUser("sam"), Lead: fake.AddUser("jo")}
	fake.AddMember(setup.Worker, staffRole)
	fake.AddMember(setup.Lead, staffRole, leadRole)

	var mu sync.Mutex
	var clients []string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /users", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 1 {
			http.Error(w, "n: a positive count", http.StatusBadRequest)
			return
		}
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fake.AddUser(fmt.Sprintf("client%d", i))
		}
		mu.Lock()
		clients = append(clients, ids...)
		mu.Unlock()
		writeJSON(w, ids)
	})
	mux.HandleFunc("POST /down", func(w http.ResponseWriter, r *http.Request) {
		fake.SetDown(r.URL.Query().Get("on") == "true")
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /dms", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		ids := append([]string(nil), clients...)
		mu.Unlock()
		out := map[string][]DM{}
		for _, id := range ids {
			for _, m := range fake.DMsTo(id) {
				dm := DM{ID: m.ID, Content: m.Content}
				for _, b := range m.Buttons() {
					dm.Buttons = append(dm.Buttons, Choice{b.Label, b.CustomID})
				}
				dm.Menu, dm.Options = m.SelectOptions()
				out[id] = append(out[id], dm)
			}
		}
		writeJSON(w, out)
	})
	press := func(w http.ResponseWriter, r *http.Request, choose bool) {
		q := r.URL.Query()
		m, ok := fake.Message(q.Get("message"))
		if !ok {
			http.Error(w, "no such message", http.StatusNotFound)
			return
		}
		var id string
		if choose {
			id = fake.Choose(q.Get("user"), m, q.Get("custom_id"), q.Get("value"))
		} else {
			id = fake.Click(q.Get("user"), m, q.Get("custom_id"))
		}
		writeJSON(w, id)
	}
	mux.HandleFunc("POST /click", func(w http.ResponseWriter, r *http.Request) { press(w, r, false) })
	mux.HandleFunc("POST /choose", func(w http.ResponseWriter, r *http.Request) { press(w, r, true) })
	mux.HandleFunc("POST /dm", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, fake.UserSendsDM(r.URL.Query().Get("user"), r.URL.Query().Get("text")))
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		byStatus := map[int]int{}
		for _, ex := range fake.Traffic() {
			byStatus[ex.Status]++
		}
		writeJSON(w, map[string]any{"by_status": byStatus, "invalid": len(fake.Invalid())})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	setup.Control = "http://" + ln.Addr().String()
	go func() { _ = http.Serve(ln, mux) }()
	if err := json.NewEncoder(os.Stdout).Encode(setup); err != nil {
		log.Fatal(err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
