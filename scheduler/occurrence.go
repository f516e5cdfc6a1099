package scheduler

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Occurrence is one moment something is due for a client.
type Occurrence struct {
	ID     string    `json:"id"`
	Client string    `json:"client"`
	Kind   string    `json:"kind"`          // what is due: "sleep_log", "prompt_reminder", …
	Ref    string    `json:"ref,omitempty"` // kind-specific: a prompt id, a shift id
	Zone   string    `json:"zone"`          // the IANA zone its civil time is read in
	Local  time.Time `json:"local"`         // civil time in Zone (see civil.go)
	// Due is when it is due. Its grace window counts from here; MoveTo moves
	// it, Later does not.
	Due    time.Time `json:"due"`
	Series string    `json:"series,omitempty"` // the series it belongs to, if any
	// Note says why it was handed back to the scheduler (Later, MoveTo), so a
	// miss can be explained.
	Note string `json:"note,omitempty"`
}

// OccurrenceID is deterministic: the same client, kind, ref and civil minute
// always name the same occurrence, so it can be stored and fired only once.
// Client and kind never contain "|"; ref may (a prompt id is an occurrence id).
func OccurrenceID(client, kind, ref string, local time.Time) string {
	return client + "|" + kind + "|" + ref + "|" + local.Format(CivilLayout)
}

// SeriesKey names a client's recurring schedule of one kind.
func SeriesKey(client, kind, ref string) string { return client + "|" + kind + "|" + ref }

// ParseID splits an occurrence id into its parts.
func ParseID(id string) (client, kind, ref string, local time.Time, err error) {
	c, rest, ok1 := strings.Cut(id, "|")
	k, rest, ok2 := strings.Cut(rest, "|")
	i := strings.LastIndexByte(rest, '|')
	if !ok1 || !ok2 || i < 0 {
		return "", "", "", time.Time{}, fmt.Errorf("scheduler: occurrence id %q is malformed", id)
	}
	local, err = time.Parse(CivilLayout, rest[i+1:])
	if err != nil {
		return "", "", "", time.Time{}, fmt.Errorf("scheduler: occurrence id %q: %w", id, err)
	}
	return c, k, rest[:i], local, nil
}

func checkNames(client, kind string) error {
	if client == "" || kind == "" || strings.Contains(client, "|") || strings.Contains(kind, "|") {
		return fmt.Errorf("scheduler: client %q and kind %q must be non-empty and free of \"|\"", client, kind)
	}
	return nil
}

var zones sync.Map // name → *time.Location; LoadLocation reads the zone database every call

// Zone loads an IANA zone, once per process.
func Zone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("scheduler: zone %q: %w", name, err)
	}
	zones.Store(name, loc)
	return loc, nil
}

// At builds a one-off occurrence at a civil time in a zone.
func At(client, kind, ref, zone string, local time.Time) (Occurrence, error) {
	if err := checkNames(client, kind); err != nil {
		return Occurrence{}, err
	}
	loc, err := Zone(zone)
	if err != nil {
		return Occurrence{}, err
	}
	local = local.Truncate(time.Minute)
	return Occurrence{
		ID: OccurrenceID(client, kind, ref, local), Client: client, Kind: kind, Ref: ref,
		Zone: zone, Local: local, Due: Resolve(local, loc),
	}, nil
}

// After builds a one-off occurrence d after instant t, named by its civil time in zone.
func After(client, kind, ref, zone string, t time.Time, d time.Duration) (Occurrence, error) {
	if err := checkNames(client, kind); err != nil {
		return Occurrence{}, err
	}
	loc, err := Zone(zone)
	if err != nil {
		return Occurrence{}, err
	}
	due := t.Add(d).Truncate(time.Minute)
	local := Civil(due, loc)
	return Occurrence{
		ID: OccurrenceID(client, kind, ref, local), Client: client, Kind: kind, Ref: ref,
		Zone: zone, Local: local, Due: due,
	}, nil
}

// Stored forms. Occurrences are many, so they are kept small and cheap to
// read in Lua: fields joined by the unit separator, never JSON.
const sep = "\x1f"

// body is what the occ hash holds for a one-off, or for a series occurrence
// handed back with Later or MoveTo: zone, due (unix ms), "s" for a series
// occurrence, and the note.
func encodeBody(o Occurrence) string {
	flag := ""
	if o.Series != "" {
		flag = "s"
	}
	return o.Zone + sep + strconv.FormatInt(o.Due.UnixMilli(), 10) + sep + flag + sep + o.Note
}

var errMalformed = errors.New("scheduler: malformed stored occurrence")

func decodeBody(id, body string) (Occurrence, error) {
	client, kind, ref, local, err := ParseID(id)
	if err != nil {
		return Occurrence{}, err
	}
	f := strings.SplitN(body, sep, 4)
	if len(f) != 4 {
		return Occurrence{}, fmt.Errorf("%w: %q", errMalformed, id)
	}
	ms, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return Occurrence{}, fmt.Errorf("%w: %q", errMalformed, id)
	}
	o := Occurrence{ID: id, Client: client, Kind: kind, Ref: ref, Zone: f[0], Local: local, Due: time.UnixMilli(ms), Note: f[3]}
	if f[2] == "s" {
		o.Series = SeriesKey(client, kind, ref)
	}
	return o, nil
}

// seriesRecord is the series hash's value: the definition (zone and rule),
// the civil time of the latest occurrence that fired (the watermark) and
// that of the pending occurrence. One field per series keeps a client's
// schedules small in Redis.
type seriesRecord struct {
	zone, rule, mark, pending string
}

func (r seriesRecord) def() string { return r.zone + sep + r.rule }

func (r seriesRecord) encode() string {
	return r.zone + sep + r.rule + sep + r.mark + sep + r.pending
}

func decodeSeriesRecord(v string) (seriesRecord, error) {
	f := strings.Split(v, sep)
	if len(f) != 4 {
		return seriesRecord{}, errMalformed
	}
	return seriesRecord{zone: f[0], rule: f[1], mark: f[2], pending: f[3]}, nil
}
