package store

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrNotFound is returned by stores when a record does not exist.
var ErrNotFound = errors.New("not found")

// ClientStatus says whether Steady is currently prompting a client.
type ClientStatus string

const (
	StatusActive  ClientStatus = "active"
	StatusPaused  ClientStatus = "paused"  // until PausedUntil
	StatusStopped ClientStatus = "stopped" // opted out; nothing is sent until they come back
	// StatusDischarged: support has ended. Nothing is sent, and the records are
	// erased once the service's retention period after DischargedAt has passed.
	StatusDischarged ClientStatus = "discharged"
)

// Client is an enrolled person receiving in-work support.
type Client struct {
	ID          string       `json:"id"`
	DisplayName string       `json:"display_name"`
	DiscordID   string       `json:"discord_id"` // the user the bot DMs
	TimeZone    string       `json:"time_zone"`  // IANA name, e.g. Europe/London
	WorkerID    string       `json:"worker_id"`
	Status      ClientStatus `json:"status"`
	PausedUntil time.Time    `json:"paused_until,omitzero"`
	EnrolledAt  time.Time    `json:"enrolled_at"`
	JobStart    string       `json:"job_start,omitempty"` // local date 2006-01-02
	// DischargedAt is when the worker ended support (StatusDischarged).
	DischargedAt time.Time `json:"discharged_at,omitzero"`

	Consents        Consents        `json:"consents"`
	Plan            Plan            `json:"plan"`
	SleepThresholds SleepThresholds `json:"sleep_thresholds"`
	Schedules       Schedules       `json:"schedules"`
	// Rules are this client's changes to the service's escalation rules, by rule id.
	Rules map[string]RuleOverride `json:"rules,omitempty"`
	// Benefits are benefit transitions their worker has flagged (for the huddle).
	Benefits []BenefitFlag `json:"benefits,omitempty"`
}

// Location loads the client's time zone. The binary embeds the zone database,
// so an error means the stored name is wrong, not that the host lacks tzdata.
func (c Client) Location() (*time.Location, error) {
	if loc, ok := zones.Load(c.TimeZone); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("client %s: time zone %q: %w", c.ID, c.TimeZone, err)
	}
	zones.Store(c.TimeZone, loc)
	return loc, nil
}

// zones keeps each zone loaded once: every step asks for its client's zone,
// and time.LoadLocation reads and parses the zone's file each time. A
// Location never changes once loaded, and there are a few hundred names.
var zones sync.Map // zone name → *time.Location

// Schedules are the client's recurring prompts, in local wall-clock time.
type Schedules struct {
	// SleepLog is the daily local time ("07:30") of the sleep-log prompt; empty: none.
	SleepLog string `json:"sleep_log,omitempty"`
	// WeeklyCheckIn is "Mon 10:00" or a five-field cron spec; empty: none.
	WeeklyCheckIn string `json:"weekly_checkin,omitempty"`
	// Rota is when they work; debriefs follow its shifts (see rota.go).
	Rota Rota `json:"rota,omitzero"`
	// QuietHours are when prompts wait; empty: none.
	QuietHours QuietHours `json:"quiet_hours,omitzero"`
	// WorkerReminders remind their worker on given days ("week 2: check in with the supervisor").
	WorkerReminders []WorkerReminder `json:"worker_reminders,omitempty"`
}

// Worker is a member of staff: an employment support worker or a lead.
type Worker struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	DiscordID string `json:"discord_id"`
	Lead      bool   `json:"lead,omitempty"`
	TimeZone  string `json:"time_zone,omitempty"`
	// Hours are the worker's working hours in TimeZone, e.g. "mon-fri 09:00-17:00"
	// (flows.ParseHours); empty: the service's default hours.
	Hours string `json:"hours,omitempty"`
}
