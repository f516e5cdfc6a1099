package report

import (
	"bytes"
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"steady/flows"
	"steady/store"
)

// ChartNights is how many nights the summary chart shows.
const ChartNights = 14

// StressHigh is the debrief stress the chart marks as high (the rule's default).
const StressHigh = 8

// Colours that stay distinct for the common forms of colour blindness.
var (
	colourFine      = color.RGBA{R: 0x4c, G: 0x78, B: 0xa8, A: 0xff} // blue
	colourDisrupted = color.RGBA{R: 0xf5, G: 0x85, B: 0x18, A: 0xff} // orange
	colourStress    = color.RGBA{R: 0x54, G: 0x54, B: 0x54, A: 0xff}
	colourLimit     = color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
)

// ChartData is what the sleep-and-stress chart shows: the ChartNights days
// ending on Last (a local date), each night's hours asleep (disrupted ones
// marked), and the day's highest debrief stress.
type ChartData struct {
	Name      string
	Last      time.Time // local date of the last day shown
	Nights    []store.SleepEntry
	Debriefs  []store.Debrief
	MinAsleep int // minutes; the client's threshold (0: service default)
}

// Days returns the ChartNights dates shown, oldest first.
func (d ChartData) Days() []string {
	out := make([]string, ChartNights)
	for i := range out {
		out[i] = d.Last.AddDate(0, 0, i-ChartNights+1).Format(time.DateOnly)
	}
	return out
}

// Chart renders the client's last 14 nights' sleep (bars, disrupted nights
// in orange, the threshold dashed) above their debrief stress (0–10, high
// stress dashed), sharing one date axis, as a PNG sized for a phone screen.
func Chart(cat *flows.Catalog, d ChartData) ([]byte, error) {
	days := d.Days()
	index := make(map[string]int, len(days))
	labels := make([]string, len(days))
	for i, day := range days {
		index[day] = i
		t, _ := time.Parse(time.DateOnly, day)
		labels[i] = t.Format("Mon\n2 Jan")
		if i%2 == 1 {
			labels[i] = "" // every other label: fourteen do not fit on a phone
		}
	}
	fine := make(plotter.Values, len(days))
	disrupted := make(plotter.Values, len(days))
	for _, n := range d.Nights {
		i, ok := index[n.Night]
		if !ok {
			continue
		}
		h := float64(n.AsleepMin) / 60
		if n.Disrupted {
			disrupted[i] = h
		} else {
			fine[i] = h
		}
	}
	stress := map[int]float64{}
	for _, db := range d.Debriefs {
		i, ok := index[db.Date]
		if !ok || !db.StressAnswered {
			continue
		}
		if s, seen := stress[i]; !seen || float64(db.Stress) > s {
			stress[i] = float64(db.Stress)
		}
	}

	sleep := plot.New()
	sleep.Title.Text = cat.T("chart.title", map[string]any{"Name": d.Name, "From": label(days[0]), "To": label(days[len(days)-1])})
	sleep.Y.Label.Text = cat.T("chart.sleep_axis", nil)
	sleep.Y.Min, sleep.Y.Max = 0, 13 // headroom for the legend above a long night
	for _, part := range []struct {
		v   plotter.Values
		c   color.Color
		key string
	}{{fine, colourFine, "chart.night_fine"}, {disrupted, colourDisrupted, "chart.night_disrupted"}} {
		bars, err := plotter.NewBarChart(part.v, vg.Points(14))
		if err != nil {
			return nil, fmt.Errorf("report: chart bars: %w", err)
		}
		bars.Color, bars.LineStyle.Width = part.c, 0
		sleep.Add(bars)
		sleep.Legend.Add(cat.T(part.key, nil), bars)
	}
	minAsleep := d.MinAsleep
	if minAsleep == 0 {
		minAsleep = store.DefaultSleepThresholds.MinAsleepMinutes
	}
	limit, err := limitLine(float64(minAsleep)/60, len(days))
	if err != nil {
		return nil, err
	}
	sleep.Add(limit)
	sleep.Legend.Add(cat.T("chart.sleep_limit", map[string]any{"Hours": fmt.Sprintf("%g", float64(minAsleep)/60)}), limit)
	sleep.Legend.Top = true
	sleep.NominalX(make([]string, len(days))...)

	strain := plot.New()
	strain.Y.Label.Text = cat.T("chart.stress_axis", nil)
	strain.Y.Min, strain.Y.Max = 0, 11.5
	strain.X.Min, strain.X.Max = -0.5, float64(len(days))-0.5
	if len(stress) > 0 {
		pts := make(plotter.XYs, 0, len(stress))
		for i := range days {
			if s, ok := stress[i]; ok {
				pts = append(pts, plotter.XY{X: float64(i), Y: s})
			}
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, fmt.Errorf("report: chart stress: %w", err)
		}
		line.Color, points.Color = colourStress, colourStress
		points.Shape = draw.CircleGlyph{}
		strain.Add(line, points)
	} else {
		strain.Title.Text = cat.T("chart.no_debriefs", nil)
	}
	high, err := limitLine(StressHigh, len(days))
	if err != nil {
		return nil, err
	}
	strain.Add(high)
	strain.Legend.Add(cat.T("chart.stress_high", map[string]any{"High": StressHigh}), high)
	strain.Legend.Top = true
	strain.NominalX(labels...)

	img := vgimg.NewWith(vgimg.UseWH(vg.Points(480), vg.Points(400)), vgimg.UseDPI(144))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadX: vg.Millimeter, PadY: 2 * vg.Millimeter,
		PadTop: 2 * vg.Millimeter, PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 3 * vg.Millimeter}
	canvases := plot.Align([][]*plot.Plot{{sleep}, {strain}}, tiles, dc)
	sleep.Draw(canvases[0][0])
	strain.Draw(canvases[1][0])
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// limitLine is a dashed horizontal line across the chart at y.
func limitLine(y float64, n int) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: y}, {X: float64(n) - 0.5, Y: y}})
	if err != nil {
		return nil, fmt.Errorf("report: chart limit: %w", err)
	}
	l.Color = colourLimit
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	return l, nil
}

func label(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 Jan")
}
