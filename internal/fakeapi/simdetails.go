package fakeapi

import "strings"

// The details of a generated fleet's SIMs that GET /sims shows besides ids,
// labels and tags. They follow from a SIM's position i and its kind, never
// from the random stream, so adding them left every generated id, tag and
// record as it was. Over the default fleet of 48 SIMs:
//
//   - no label: every ninth SIM (i%9 == 8);
//   - not activated: the dormant last SIM and every sixteenth (i%16 == 15);
//   - offline: every fourth SIM (i%4 == 3), which includes those;
//   - no data limit: every twelfth SIM (i%12 == 11); the others have a
//     monthly limit by kind (simKind.limit), with "used": null on every
//     tenth (i%10 == 4) and an alert threshold of a tenth of the limit
//     (headroom, as Onomondo documents it) on every sixth and on i%12 == 5
//     (two of which, 17 and 29, are over their limit in 2025-04);
//   - network whitelist "EU" on every fifth (i%5 == 2), else "Global";
//     connector "vpn-hq" on every seventh (i%7 == 3);
//   - no IMEI on the dormant SIM.
func setSIMDetails(sims []SIM, profiles []simProfile) {
	for i := range sims {
		s, p := &sims[i], profiles[i]
		if i%9 == 8 {
			s.Label = ""
		}
		s.Activated = !p.dormant && i%16 != 15
		s.Online = s.Activated && i%4 != 3
		if !p.dormant {
			s.IMEI = imeiFor(s.ID)
		}
		s.NetworkWhitelist = "Global"
		if i%5 == 2 {
			s.NetworkWhitelist = "EU"
		}
		if i%7 == 3 {
			s.Connector = "vpn-hq"
		}
		if i%12 != 11 {
			s.DataLimit = &DataLimit{Total: p.kind.limit, Type: "monthly", UsedNull: i%10 == 4}
			if i%6 == 0 || i%12 == 5 {
				s.DataLimit.AlertThreshold = p.kind.limit / 10
			}
		}
	}
}

// imeiFor makes a 15-digit IMEI, Luhn checked, from a 9-digit SIM id.
func imeiFor(simID string) string {
	body := "35829984" + simID[len(simID)-6:]
	return body + string(luhnCheckDigit(body))
}

// countryNames are the names of the countries of the generated usage, as
// the network object of a SIM shows them.
var countryNames = map[string]string{
	"dk": "Denmark", "se": "Sweden", "no": "Norway", "de": "Germany",
	"gb": "United Kingdom", "nl": "Netherlands", "fr": "France", "us": "United States",
}

// operatorNames are the operators of the networks in countries, by MCC and
// MNC.
var operatorNames = map[string]string{
	"238-01": "TDC", "238-02": "Telenor DK", "238-06": "3 DK", "238-20": "Telia DK", "238-66": "TT-Netvaerket",
	"240-01": "Telia SE", "240-02": "3 SE", "240-07": "Tele2 SE",
	"242-01": "Telenor Norge", "242-02": "Telia Norge",
	"262-01": "Telekom.de", "262-02": "Vodafone.de", "262-03": "O2 - DE",
	"234-10": "O2 - UK", "234-15": "Vodafone UK", "234-30": "EE",
	"204-04": "Vodafone NL", "204-08": "KPN", "204-16": "T-Mobile NL",
	"208-01": "Orange F", "208-10": "SFR",
	"310-260": "T-Mobile US", "310-410": "AT&T",
}

// networkOf is the network object of a record's network: operator and
// country name, country code in upper case as GET /sims sends it.
func networkOf(r *Record) (name, country, code string) {
	name = operatorNames[r.MCC+"-"+r.MNC]
	if name == "" {
		name = r.MCC + " " + r.MNC
	}
	country = countryNames[r.CountryCode]
	if country == "" {
		country = strings.ToUpper(r.CountryCode)
	}
	return name, country, strings.ToUpper(r.CountryCode)
}

// tagColors are the colours the fake gives tags, by position.
var tagColors = []string{"#2fc9eb", "#f5a623", "#7ed321", "#bd10e0", "#d0021b", "#4a90e2", "#9b9b9b"}
