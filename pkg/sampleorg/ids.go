package sampleorg

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
)

// Identifiers are derived from a counter through a keyed bijection rather
// than drawn at random: a bijection cannot collide, so event ids are unique
// by construction at any size, yet they look as random as the vendors' own.

const mask62 = 1<<62 - 1

// mixBits is a bijection on bits-wide integers (xor-shifts and odd
// multipliers are each invertible modulo 2^bits). Widths below 64 leave room
// for format bits (UUID version and variant) or fit a fixed number of digits.
func mixBits(x uint64, bits uint) uint64 {
	m := uint64(1)<<bits - 1
	x &= m
	x ^= x >> (bits / 2)
	x = (x * 0xbf58476d1ce4e5b9) & m
	x ^= x >> (bits/2 + 1)
	x = (x * 0x94d049bb133111eb) & m
	x ^= x >> (bits / 2)
	return x
}

func mix62(x uint64) uint64 { return mixBits(x, 62) }

// splitmix is a 64-bit finaliser used to derive keys and filler bits.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// ids renders identifiers for one generated organisation.
type ids struct {
	key  uint64 // xor key applied before mix62, so different seeds give different ids
	fill uint64 // filler for the UUID half that carries no uniqueness
}

func newIDs(seed int64) ids {
	return ids{key: splitmix(uint64(seed)) & mask62, fill: splitmix(uint64(seed) ^ 0x5bd1e995)}
}

// unique62 maps n (unique within its namespace ns) to a unique scrambled value.
func (d ids) unique62(ns, n uint64) uint64 {
	return mix62((ns<<48 | n) ^ d.key)
}

// uuid renders a version-4 style UUID unique for (ns, n), n < 2^48.
func (d ids) uuid(ns, n uint64) string {
	lo := d.unique62(ns, n) | 1<<63 // variant 10xx
	hi := splitmix(d.fill^n^ns<<52)&^(0xf<<12) | 4<<12
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// signed renders a signed decimal unique for (ns, n), like Google's
// id.uniqueQualifier.
func (d ids) signed(ns, n uint64) string {
	v := d.unique62(ns, n)
	if splitmix(v)&1 == 1 {
		return strconv.FormatInt(-int64(v)-1, 10) // still unique: negatives never meet positives
	}
	return strconv.FormatInt(int64(v), 10)
}

// docID renders a 22-character URL-safe id unique for (ns, n), like GitHub's
// audit-log _document_id.
func (d ids) docID(ns, n uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], d.unique62(ns, n))
	binary.BigEndian.PutUint64(b[8:], splitmix(d.fill^n))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// digits21 renders a 21-digit decimal unique for (ns, n), like Google's
// profile ids and OAuth client ids.
func (d ids) digits21(ns, n uint64) string {
	return fmt.Sprintf("1%020d", d.unique62(ns, n))
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// okta renders an Okta object id: a three-character type prefix ("00u" user,
// "0oa" app, "00p" policy) and 17 base62 characters unique for (ns, n).
func (d ids) okta(prefix string, ns, n uint64) string {
	return prefix + base62Fixed(d.unique62(ns, n), 11) + base62Fixed(splitmix(d.fill^ns), 6)
}

// upperAlnum renders a Slack-style id: a type letter and 10 upper-case
// alphanumerics unique for (ns, n), n < 2^40 and ns < 2^10.
func (d ids) upperAlnum(prefix string, ns, n uint64) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	v := mixBits((ns<<40|n)^d.key, 50) // 36^10 > 2^50, so every value keeps its own digits
	var s [10]byte
	for i := len(s) - 1; i >= 0; i-- {
		s[i] = digits[v%36]
		v /= 36
	}
	return prefix + string(s[:])
}

func base62Fixed(v uint64, width int) string {
	s := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		s[i] = base62[v%62]
		v /= 62
	}
	return string(s)
}

// Namespaces keep the counters of different kinds of identifier apart.
const (
	nsEvent uint64 = iota + 1
	nsUser
	nsApp
	nsToken
	nsObject
	nsSession
	nsTenant
	nsFile
)
