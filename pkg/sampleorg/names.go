package sampleorg

// Word lists for people, files and repositories. They are invented for this
// package; combinations are what make the organisation look lived in.

var firstNames = []string{
	"Ada", "Alan", "Amara", "Anil", "Aoife", "Beatriz", "Bilal", "Bruno", "Camille", "Chen",
	"Chiara", "Dana", "Daniel", "Dmitri", "Elena", "Emeka", "Farah", "Felix", "Grace", "Hana",
	"Hugo", "Ines", "Ivan", "Jamal", "Jana", "Jonas", "Kai", "Kenji", "Laila", "Leo",
	"Lucia", "Malik", "Maya", "Mei", "Mateo", "Nadia", "Nikhil", "Noor", "Olga", "Omar",
	"Pablo", "Priya", "Quinn", "Rafael", "Rosa", "Sami", "Sara", "Sean", "Sofia", "Tariq",
	"Tomas", "Uma", "Valentin", "Wen", "Xavier", "Yara", "Yusuf", "Zainab", "Zoe", "Marek",
}

var lastNames = []string{
	"Abara", "Almeida", "Andersen", "Bauer", "Becker", "Bianchi", "Castro", "Chowdhury", "Costa", "Dubois",
	"Eriksen", "Fischer", "Fontaine", "Garcia", "Haddad", "Hansen", "Ibrahim", "Ito", "Jansen", "Kaur",
	"Khan", "Kowalski", "Larsen", "Lopez", "Mahlaba", "Moreau", "Nakamura", "Novak", "Okafor", "Olsen",
	"Park", "Patel", "Petrov", "Quispe", "Rahman", "Rossi", "Santos", "Schmidt", "Silva", "Singh",
	"Suzuki", "Tanaka", "Tran", "Uddin", "Varga", "Vogel", "Wagner", "Walsh", "Weber", "Yilmaz",
}

var fileTopics = []string{
	"Board deck", "Budget", "Customer list", "Pricing model", "Roadmap", "Payroll", "Sales pipeline",
	"Incident review", "Vendor contracts", "Hiring plan", "Architecture", "Security review",
	"Offsite agenda", "Quarterly report", "Churn analysis", "Partner terms", "Audit evidence",
	"Benefits summary", "Launch plan", "Support metrics",
}

var fileSuffixes = []string{" Q1", " Q2", " Q3", " Q4", " draft", " final", " v2", " 2024", " 2025", ""}

var fileTypes = []string{".docx", ".xlsx", ".pptx", ".pdf", ".csv"}

var repoNames = []string{
	"payments-api", "billing-service", "web-frontend", "mobile-app", "infra-terraform", "k8s-manifests",
	"auth-gateway", "data-pipeline", "ml-models", "customer-portal", "internal-tools", "design-system",
	"docs-site", "sdk-python", "sdk-go", "search-service", "notifications", "ledger", "reporting",
	"security-policies", "incident-runbooks", "feature-flags", "analytics-etl", "edge-proxy",
}
