package report

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"testing"
	"time"

	"steady/flows"
	"steady/store"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/summary-chart.png from the sample chart")

// sampleChart is scenario 1's fortnight: nights 1 and 3 disrupted, then 5
// and 6 in a row (which brought the plan in), and a stressful week of shifts.
func sampleChart() ChartData {
	last := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	asleep := []int{420, 450, 300, 440, 250, 430, 165, 165, 400, 420, 445, 390, 460, 435}
	var nights []store.SleepEntry
	for i, m := range asleep {
		day := last.AddDate(0, 0, i-13).Format(time.DateOnly)
		if i == 3 {
			continue // a night not logged
		}
		nights = append(nights, store.SleepEntry{Night: day, AsleepMin: m, Disrupted: m < 360})
	}
	var debriefs []store.Debrief
	for i, s := range map[int]int{1: 4, 2: 5, 5: 7, 6: 9, 7: 8, 9: 6, 12: 3} {
		debriefs = append(debriefs, store.Debrief{ID: "d", Date: last.AddDate(0, 0, i-13).Format(time.DateOnly), Stress: s, StressAnswered: true})
	}
	return ChartData{Name: "Alex", Last: last, Nights: nights, Debriefs: debriefs}
}

func TestChartShowsDisruptedNightsAndStress(t *testing.T) {
	b, err := Chart(flows.DefaultCatalog(), sampleChart())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 960 || h != 800 {
		t.Errorf("size %dx%d, want 960x800 (480x400 pt at 144 dpi)", w, h)
	}
	// The disrupted nights are drawn in orange, the others in blue.
	if n := countColour(img, colourDisrupted.R, colourDisrupted.G, colourDisrupted.B); n < 2000 {
		t.Errorf("only %d orange pixels: disrupted nights not drawn", n)
	}
	if n := countColour(img, colourFine.R, colourFine.G, colourFine.B); n < 5000 {
		t.Errorf("only %d blue pixels: nights not drawn", n)
	}
	// A fortnight with no records still renders (a new client's first look).
	empty := ChartData{Name: "Bea", Last: sampleChart().Last}
	if _, err := Chart(flows.DefaultCatalog(), empty); err != nil {
		t.Fatalf("empty chart: %v", err)
	}
	if *updateDocs {
		if err := os.WriteFile("../../docs/summary-chart.png", b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func countColour(img image.Image, r, g, b uint8) int {
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if uint8(cr>>8) == r && uint8(cg>>8) == g && uint8(cb>>8) == b {
				n++
			}
		}
	}
	return n
}
