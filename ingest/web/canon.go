package web

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// never the article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "mkt_tok": true,
	"oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "_hsenc": true,
	"_hsmi": true, "ref_src": true, "ref_url": true, "s_cid": true, "cmpid": true,
	"smid": true, "sr_share": true, "ncid": true, "ocid": true,
}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	return trackingParams[k] || strings.HasPrefix(k, "utm_") || strings.HasPrefix(k, "pk_") || strings.HasPrefix(k, "mtm_")
}

// CanonicalURL normalises an http or https URL so that the same article
// reached by different links gets one address: lower-case scheme and host,
// no default port, no fragment, no user information, dot segments resolved,
// tracking parameters (utm_*, fbclid, gclid and similar) removed and the
// remaining query parameters sorted. It is idempotent.
func CanonicalURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("not an http or https URL")
	}
	if u.Opaque != "" || u.Host == "" {
		return "", errors.New("URL has no host")
	}
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return "", errors.New("URL has no host")
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	if strings.Contains(u.Path, "/.") {
		u.Path = (&url.URL{Path: "/"}).ResolveReference(&url.URL{Path: u.Path}).Path
	}
	u.RawPath = ""
	u.ForceQuery = false
	if u.RawQuery != "" {
		u.RawQuery = canonicalQuery(u.RawQuery)
	}
	return u.String(), nil
}

// canonicalQuery drops tracking parameters and sorts the rest, keeping
// each pair's own encoding where it parses.
func canonicalQuery(raw string) string {
	var pairs []string
	for _, p := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, _ := strings.Cut(p, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		if dk == "" || isTracking(dk) {
			continue
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		pair := url.QueryEscape(dk)
		if strings.Contains(p, "=") {
			pair += "=" + url.QueryEscape(dv)
		}
		pairs = append(pairs, pair)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// sameSite reports whether two hosts belong to one site: equal, or one a
// subdomain of the other after dropping a leading "www.".
func sameSite(a, b string) bool {
	a = strings.TrimPrefix(strings.ToLower(a), "www.")
	b = strings.TrimPrefix(strings.ToLower(b), "www.")
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

// preferCanonical returns the canonical form of the page's own canonical
// link when it is on the same site as pageURL, else of pageURL.
func preferCanonical(pageURL, link string) string {
	canon, err := CanonicalURL(pageURL)
	if err != nil {
		return pageURL
	}
	if link == "" {
		return canon
	}
	base, _ := url.Parse(canon)
	ref, err := url.Parse(link)
	if err != nil {
		return canon
	}
	abs := base.ResolveReference(ref)
	if !sameSite(abs.Hostname(), base.Hostname()) {
		return canon
	}
	if c, err := CanonicalURL(abs.String()); err == nil {
		return c
	}
	return canon
}
